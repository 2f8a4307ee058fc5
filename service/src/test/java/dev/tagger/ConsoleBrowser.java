package dev.tagger;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's headless Chromium driven through the system chromedriver, for the web console's tests. Nothing is
 * downloaded: the driver and the browser are named explicitly, so Selenium Manager has nothing to look up. Missing
 * packages skip the test, unless -Dci.requireTools=true (.ci/run installs them), where they fail it.
 */
public final class ConsoleBrowser implements AutoCloseable {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    /**
     * Selenium's CDP lookup warns that it has no DevTools module for this Chromium; the tests use WebDriver only, so
     * the warning says nothing. Held here: java.util.logging keeps loggers weakly.
     */
    private static final java.util.logging.Logger CDP_FINDER =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private final ChromeDriver driver;
    private final Path profile;

    private ConsoleBrowser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a browser with a fresh profile at 1280 x 900, or skips the calling test when none is installed. */
    public static ConsoleBrowser startOrSkip() throws IOException {
        boolean present = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
        if (Boolean.getBoolean("tagger.require-tools")) {
            assertThat(present).as("chromium and chromedriver (Debian packages 'chromium', 'chromium-driver') are "
                    + "required").isTrue();
        }
        assumeTrue(present, "Debian packages 'chromium' and 'chromium-driver' are not installed; skipping the "
                + "console's browser tests");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.getAbsolutePath());
        CDP_FINDER.setLevel(java.util.logging.Level.SEVERE);
        Path profile = Files.createTempDirectory("tagger-console-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // Root in a container: no sandbox; no network of its own (updates, sync, QUIC probes), no first-run pages.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new ConsoleBrowser(driver, profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
