package dev.tagger.security;

import dev.tagger.ConsoleBrowser;
import dev.tagger.model.TinyBert;
import dev.tagger.model.format.Archives;

import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Wait;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service as shipped, with no key and no other setting, over real HTTP: protected mode (loopback only),
 * registering from a path off, TorchScript off, cross-site posts refused. Its own context (the test profile less
 * its keys and model settings, another store), closed after the class.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tagger.store.dir=target/test-store-protected", "tagger.security.admin-keys=",
                "tagger.security.classify-keys=", "tagger.security.allow-open=true", "tagger.models.import-root=",
                "tagger.models.allow-torchscript=false"})
@ActiveProfiles("test")
@DirtiesContext
class ProtectedModeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Autowired
    WebServerApplicationContext context;

    @org.junit.jupiter.api.BeforeEach
    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).GET()).statusCode() != 200) {
            Thread.sleep(100);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return HTTP.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static JsonNode problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        return JSON.readTree(r.body());
    }

    @Test
    void withoutKeysThePortIsBoundToLoopbackOnly() throws Exception {
        Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();
        Object address = connector.getProperty("address");
        assertThat(address).isInstanceOf(InetAddress.class);
        assertThat(((InetAddress) address).isLoopbackAddress()).as("bound to %s", address).isTrue();
        // And a connection through another interface of this machine, where it has one, is refused.
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && nic.isUp()) {
                    assertThatThrownBy(() -> {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(a, port), 2000);
                        }
                    }).as("connect via %s", a).isInstanceOf(IOException.class);
                }
            }
        }
        assertThat(send(post("/classify", "{\"text\": \"Thank you!\"}")).statusCode()).isEqualTo(200);
    }

    @Test
    void registeringFromAPathIsOffAndSaysWhichSettingTurnsItOn() throws Exception {
        JsonNode p = problem(send(post("/models", "{\"id\": \"from-path\", \"path\": "
                + JSON.writeValueAsString(TinyBert.hfDir().toString()) + "}")), 403);
        assertThat(p.get("detail").asString()).contains("tagger.models.import-root");
        assertThat(p.get("setting").asString()).isEqualTo("tagger.models.import-root");
    }

    @Test
    void aTorchScriptUploadIsRefusedWithoutItsFlag() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Path dir = TinyBert.fixture("tiny-bert-torchscript");
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        URI upload = URI.create("http://127.0.0.1:" + port + "/models?id=ts-off");
        HttpResponse<String> r = send(HttpRequest.newBuilder(upload)
                .header("Content-Type", "application/gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Archives.tarGz("tiny-ts", files))));
        JsonNode p = problem(r, 403);
        assertThat(p.get("detail").asString()).contains("tagger.models.allow-torchscript=true");
        assertThat(p.get("setting").asString()).isEqualTo("tagger.models.allow-torchscript");
        assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/models/ts-off")).GET())
                .statusCode()).isEqualTo(404);
    }

    /** The web console with no key configured: it sends none, and its same-origin POSTs pass the cross-site filter. */
    @Test
    void theConsoleWorksWithoutAKey() throws Exception {
        try (ConsoleBrowser browser = ConsoleBrowser.startOrSkip()) {
            ChromeDriver driver = browser.driver();
            Wait<WebDriver> wait = new WebDriverWait(driver, Duration.ofSeconds(30))
                    .ignoring(StaleElementReferenceException.class);
            driver.get("http://127.0.0.1:" + port + "/console/#keys");
            assertThat(wait.until(d -> d.findElements(By.cssSelector("#key-check .message.ok")).stream().findFirst()
                    .orElse(null)).getText()).contains("No key is needed");

            driver.get("http://127.0.0.1:" + port + "/console/#try");
            driver.navigate().refresh();
            wait.until(d -> d.findElement(By.id("try-model")).getText().contains("goemotions-minilm"));
            driver.findElement(By.id("try-submit")).click();
            WebElement result = wait.until(d -> d.findElements(By.cssSelector("#try-results section.result"))
                    .stream().findFirst().orElse(null));
            List<WebElement> hits = result.findElements(By.cssSelector("li.hit"));
            assertThat(hits).extracting(e -> e.getAttribute("data-label")).contains("gratitude");
            assertThat(driver.findElements(By.cssSelector("#try-status .message.error"))).isEmpty();
        }
    }

    @Test
    void aCrossSitePostIsRefusedAndSameOriginOrScriptedOnesPass() throws Exception {
        String body = "{\"text\": \"Thank you!\"}";
        JsonNode p = problem(send(post("/classify", body).header("Sec-Fetch-Site", "cross-site")), 403);
        assertThat(p.get("detail").asString()).contains("cross-site");
        problem(send(post("/models/x/deploy", "").header("Sec-Fetch-Site", "same-site")), 403);
        problem(send(post("/classify", body).header("Origin", "http://evil.example")), 403);
        problem(send(post("/classify", body).header("Origin", "null")), 403);
        problem(send(post("/classify", body).header("Origin", "http://127.0.0.1:" + (port + 1))), 403);

        assertThat(send(post("/classify", body)).statusCode()).isEqualTo(200);
        assertThat(send(post("/classify", body).header("Sec-Fetch-Site", "same-origin")).statusCode()).isEqualTo(200);
        assertThat(send(post("/classify", body).header("Sec-Fetch-Site", "none")).statusCode()).isEqualTo(200);
        assertThat(send(post("/classify", body).header("Origin", "http://127.0.0.1:" + port)).statusCode())
                .isEqualTo(200);
        // Reading is never refused: a cross-site GET changes nothing.
        assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/models"))
                .header("Sec-Fetch-Site", "cross-site").GET()).statusCode()).isEqualTo(200);
    }
}
