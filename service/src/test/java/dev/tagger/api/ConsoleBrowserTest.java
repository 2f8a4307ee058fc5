package dev.tagger.api;

import dev.tagger.ConsoleBrowser;
import dev.tagger.TrainingTexts;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The web console in a real browser: Debian's headless Chromium driven through the system chromedriver (nothing is
 * downloaded). One user's path through every page against the running service: without a key the API's 401 shows;
 * with the admin key, upload a bad dataset (errors by line) and a good one (label and length charts), preview and
 * start a fine-tuning job, watch its curves grow epoch by epoch over the event stream, deploy the model from its
 * card with confirmation, classify on the Try page and read the bars against the API's own answer, trigger a 422,
 * and read the serving charts. Every page's screenshot goes to target/console-screenshots (the README's come from
 * there).
 *
 * <p>Skipped when chromium or chromedriver is missing, unless -Dci.requireTools=true (.ci/run installs them).
 * ProtectedModeTest opens the console with no key configured.
 */
class ConsoleBrowserTest extends JobTestBase {

    static final Path SCREENSHOTS = Path.of("target/console-screenshots");

    private static ConsoleBrowser browser;
    private static ChromeDriver driver;
    /** What the test stored, removed after it. */
    private String datasetId;
    private String modelId;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = ConsoleBrowser.startOrSkip();
        driver = browser.driver();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void putTheDefaultModelBackAndRemoveWhatItStored() throws Exception {
        cancelActiveJobs();
        if (!json(get("/models/current")).get("id").asString().equals(DEFAULT_MODEL)) {
            deployDefault();
        }
        if (modelId != null) {
            assertThat(delete("/models/" + modelId).statusCode()).isEqualTo(204);
        }
        if (datasetId != null) {
            assertThat(delete("/datasets/" + datasetId).statusCode()).isEqualTo(204);
        }
    }

    @Test
    void aUserUploadsTrainsWatchesDeploysAndClassifiesThroughTheConsole() throws Exception {
        // The root redirects to the console, which loads with no key; its API calls then answer 401, said plainly.
        driver.get(uri("/").toString());
        assertThat(driver.getCurrentUrl()).endsWith("/console/");
        forgetKey();
        driver.navigate().refresh();
        assertThat(waitFor("#try-status .message.error").getText()).contains("401").contains("Keys page");

        // A classify key: the Keys page names its role, and an admin-only page says 403 plainly.
        open("keys");
        driver.findElement(By.id("key-input")).sendKeys(CLASSIFY_KEY);
        driver.findElement(By.id("key-save")).click();
        assertThat(waitForText("#key-check .message", "role").getText()).contains("classify role");
        open("datasets");
        assertThat(waitFor("#datasets-status .message.error").getText()).contains("Not allowed (403)");

        // Keys: the admin key, kept for the session.
        open("keys");
        driver.findElement(By.id("key-input")).sendKeys(ADMIN_KEY);
        driver.findElement(By.id("key-save")).click();
        assertThat(waitForText("#key-check .message", "admin role").getText()).contains("admin role");
        assertThat(((JavascriptExecutor) driver).executeScript(
                "return sessionStorage.getItem('tagger.console.key')")).isEqualTo(ADMIN_KEY);
        screenshot("keys", "main");

        // Datasets: a file with bad lines is refused with its problems by line; a good one is stored and charted.
        open("datasets");
        Path bad = Files.createTempFile("bad", ".jsonl");
        Files.writeString(bad, "{\"text\": \"fine\", \"labels\": [\"thanks\"]}\n{\"text\": \"  \", \"labels\": []}\n"
                + "{\"text\": \"x\", \"labels\": \"thanks\"}\n");
        driver.findElement(By.id("dataset-file")).sendKeys(bad.toAbsolutePath().toString());
        WebElement problems = waitFor("#datasets-status table.errors");
        List<String> lines = problems.findElements(By.cssSelector("tbody tr")).stream()
                .map(r -> r.findElement(By.tagName("td")).getText()).toList();
        assertThat(lines).containsExactly("2", "3");
        assertThat(driver.findElement(By.id("datasets-status")).getText()).contains("422").contains("not stored");

        String name = "console-" + System.nanoTime();
        driver.findElement(By.id("dataset-name")).sendKeys(name);
        // This one is dropped on the drop zone, as a file dragged from the desktop arrives.
        ((JavascriptExecutor) driver).executeScript("const dt = new DataTransfer();"
                + "dt.items.add(new File([arguments[0]], 'support.jsonl', {type: 'application/jsonl'}));"
                + "document.getElementById('dataset-drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, "
                + "bubbles: true, cancelable: true}));", jsonl(TrainingTexts.examples(40)));
        waitForText("#datasets-status .message.ok", name);
        WebElement view = waitFor("#dataset-view");
        datasetId = view.getAttribute("data-dataset");
        JsonNode stored = json(get("/datasets/" + datasetId));
        for (String label : TrainingTexts.LABELS) {
            WebElement bar = view.findElement(By.cssSelector("ul[aria-label='label frequency'] li[data-label='" + label + "']"));
            assertThat(Double.parseDouble(bar.getAttribute("data-value")))
                    .isEqualTo(stored.at("/label_counts/" + label).asDouble());
        }
        assertThat(view.findElement(By.id("length-histogram")).getAttribute("data-texts")).isEqualTo("40");
        screenshot("datasets", "#dataset-view");

        // Jobs: from the dataset to the form, the resolved spec previewed with the API's defaults, then started.
        view.findElement(By.id("dataset-train")).click();
        waitFor("#job-form");
        assertThat(new Select(driver.findElement(By.id("job-dataset"))).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo(datasetId);
        new Select(driver.findElement(By.id("job-train"))).selectByValue("top_layers:1");
        driver.findElement(By.id("job-epochs")).sendKeys("3");
        driver.findElement(By.id("job-batch")).sendKeys("10");
        driver.findElement(By.id("job-split")).sendKeys("0.25");
        long jobsBefore = json(get("/train-jobs")).get("total").asLong();
        driver.findElement(By.id("job-preview-go")).click();
        WebElement preview = waitForText("#job-preview", "top_layers:1");
        JsonNode spec = JSON.readTree(preview.getText());
        assertThat(spec.at("/parameters/epochs").asInt()).isEqualTo(3);
        assertThat(spec.at("/parameters/learning_rate").asDouble()).isEqualTo(5e-5, within(1e-12));
        assertThat(spec.at("/labels").toString()).isEqualTo("[\"complaint\",\"thanks\"]");
        assertThat(spec.at("/deploy").asString()).isEqualTo("never");
        assertThat(spec.at("/validation_data/split").asDouble()).isEqualTo(0.25);
        assertThat(spec.at("/validation_data/dataset_id").isMissingNode()).isTrue();
        assertThat(json(get("/train-jobs")).get("total").asLong()).as("a preview queues nothing").isEqualTo(jobsBefore);

        driver.findElement(By.id("job-submit")).click();
        WebElement job = waitFor("#job-view section[data-job]");
        String jobId = job.getAttribute("data-job");
        // While it runs: the progress line from the event stream (phase, epoch, ETA) and the curves as epochs end.
        boolean sawEta = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        while (!"SUCCEEDED".equals(job.getAttribute("data-status"))) {
            assertThat(job.getAttribute("data-status")).isNotIn("FAILED", "CANCELLED");
            assertThat(System.nanoTime()).as("job %s did not finish in time", jobId).isLessThan(deadline);
            sawEta |= driver.findElement(By.id("job-progress-text")).getText().contains("ETA");
            Thread.sleep(100);
        }
        assertThat(sawEta).as("the progress line showed an ETA while the job ran").isTrue();
        List<Integer> drawn = history("#loss-chart");
        assertThat(drawn).as("the loss curve was drawn once per epoch as each arrived").containsSubsequence(1, 2, 3);
        assertThat(drawn).isSorted();
        assertThat(history("#f1-chart")).containsSubsequence(1, 2, 3);
        JsonNode done = json(get("/train-jobs/" + jobId));
        assertThat(driver.findElement(By.id("job-deploy-reason")).getText())
                .isEqualTo(done.at("/result/deployment/reason").asString()).isNotBlank();
        modelId = done.at("/result/model_id").asString();
        screenshot("jobs", "#job-progress");

        // Models: its card with per-label metrics, deployed after a confirmation.
        open("models/" + modelId);
        WebElement card = waitFor("#model-detail section[data-model='" + modelId + "']");
        for (JsonNode row : done.at("/result/metrics/validation/per_label")) {
            WebElement bar = card.findElement(By.cssSelector("ul[aria-label='F1 per label'] li[data-label='"
                    + row.get("label").asString() + "']"));
            assertThat(Double.parseDouble(bar.getAttribute("data-value"))).isEqualTo(row.get("f1").asDouble(), within(1e-9));
        }
        card.findElement(By.id("model-deploy")).click();
        WebElement dialog = waitFor("#confirm[open]");
        assertThat(dialog.getText()).contains(modelId);
        dialog.findElement(By.id("confirm-ok")).click();
        waitForText("#models-status .message.ok", "is now served");
        // The card is drawn again for the served model (its deploy button now says so).
        card = waitForText("#model-detail section[data-model='" + modelId + "']", "Being served");
        assertThat(card.findElements(By.tagName("h3")).stream().map(WebElement::getText).toList())
                .contains("data", "settings", "timings", "Per label (validation)");
        assertThat(card.findElement(By.id("model-precision")).getText()).containsPattern("(int8|fp32) on cpu");
        assertThat(json(get("/models/current")).get("id").asString()).isEqualTo(modelId);
        // The per-label table sorts from the keyboard: its header buttons take Enter.
        WebElement recall = card.findElement(By.xpath(".//th[button[text()='recall']]"));
        recall.findElement(By.tagName("button")).sendKeys(Keys.ENTER);
        assertThat(card.findElement(By.xpath(".//th[button[text()='recall']]")).getAttribute("aria-sort"))
                .isEqualTo("descending");
        new Select(driver.findElement(By.id("compare-a"))).selectByValue(DEFAULT_MODEL);
        new Select(driver.findElement(By.id("compare-b"))).selectByValue(modelId);
        driver.findElement(By.id("compare-go")).click();
        waitFor("#compare-out ul[aria-label='F1 per label, A and B'] li[data-label='thanks']");
        screenshot("models", "#per-label");

        // Try: the bars are the API's probabilities, the predicted labels highlighted, for the model just deployed.
        open("try");
        String text = "Thank you so much for sorting out the printer so quickly.";
        WebElement box = waitFor("#try-texts");
        box.clear();
        box.sendKeys(text);
        driver.findElement(By.id("try-submit")).click();
        WebElement result = waitFor("#try-results section.result");
        JsonNode answer = json(post("/classify", JSON.writeValueAsString(java.util.Map.of("texts", List.of(text)))))
                .at("/results/0");
        assertThat(driver.findElement(By.id("try-model")).getText()).contains(modelId);
        for (String label : TrainingTexts.LABELS) {
            WebElement bar = result.findElement(By.cssSelector("li[data-label='" + label + "']"));
            assertThat(Double.parseDouble(bar.getAttribute("data-value")))
                    .isEqualTo(answer.at("/scores/" + label).asDouble(), within(1e-6));
            boolean predicted = false;
            for (JsonNode l : answer.get("labels")) {
                predicted |= l.asString().equals(label);
            }
            assertThat(bar.getAttribute("class").contains("hit")).as(label).isEqualTo(predicted);
            assertThat(bar.findElements(By.className("mark"))).as("%s has its threshold marked", label).hasSize(1);
        }
        screenshot("try", "main");

        // A 422 shows its message and the field at fault.
        driver.findElement(By.id("try-threshold")).sendKeys("1.5");
        driver.findElement(By.id("try-submit")).click();
        WebElement problem = waitFor("#try-status .message.error");
        assertThat(problem.getText()).contains("422").contains("threshold");

        // Serving: the charts fill from the service's own meters once a sample interval has passed.
        open("serving");
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .ignoring(StaleElementReferenceException.class).pollingEvery(Duration.ofMillis(500)).until(d -> {
            WebElement chart = d.findElement(By.id("throughput-chart"));
            if (Integer.parseInt(chart.getAttribute("data-points")) > 0
                    && !d.findElements(By.cssSelector("#label-rates td")).isEmpty()) {
                return true;
            }
            d.navigate().refresh();
            return false;
        });
        screenshot("serving", "main");

        // Phone width: the Try page fits without sideways scrolling.
        driver.manage().window().setSize(new Dimension(390, 844));
        try {
            open("try");
            waitFor("#try-texts");
            Object overflow = ((JavascriptExecutor) driver).executeScript(
                    "return document.documentElement.scrollWidth - window.innerWidth");
            assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
            screenshot("try-phone", "main");
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 900));
        }
        forgetKey();
    }

    private static void forgetKey() {
        ((JavascriptExecutor) driver).executeScript("sessionStorage.removeItem('tagger.console.key')");
    }

    private void open(String hash) {
        driver.get(uri("/console/#" + hash).toString());
        driver.navigate().refresh();
    }

    private WebElement waitFor(String css) {
        return new WebDriverWait(driver, Duration.ofSeconds(30))
                .ignoring(StaleElementReferenceException.class).until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    private WebElement waitForText(String css, String text) {
        return new WebDriverWait(driver, Duration.ofSeconds(30))
                .ignoring(StaleElementReferenceException.class).until(d -> {
            for (WebElement e : d.findElements(By.cssSelector(css))) {
                if (e.getText().contains(text)) {
                    return e;
                }
            }
            return null;
        });
    }

    /** The point counts a chart was drawn with, in order. */
    private List<Integer> history(String css) {
        String h = driver.findElement(By.cssSelector(css)).getAttribute("data-history");
        List<Integer> out = new ArrayList<>();
        Arrays.stream(h.split(",")).filter(s -> !s.isBlank()).forEach(s -> out.add(Integer.parseInt(s)));
        return out;
    }

    /** Saves the viewport with this element at its top (the page's header above it when it is the main area). */
    private static void screenshot(String page, String css) throws IOException {
        ((JavascriptExecutor) driver).executeScript("const e = document.querySelector(arguments[0]);"
                + "window.scrollTo(0, e.id === 'main' ? 0 : e.getBoundingClientRect().top + window.scrollY - 8);", css);
        assertThat(driver.findElement(By.tagName("main")).getText()).as(page).doesNotContain("[object ")
                .doesNotContain("undefined").doesNotContain("NaN");
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(page + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

}
