package dev.pibl.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver by Selenium, for tests that
 * look at a page as a person would. Both binaries are named explicitly so that Selenium Manager
 * never tries to download a browser or a driver. Where either is missing, {@link #start} skips
 * the test (a JUnit assumption naming the binary): CI installs both ({@code .ci/run}).
 *
 * <p>Used from the test's thread only.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A browser whose window (and so its screenshots) is {@code width} x {@code height}. */
    public static HeadlessChromium start(int width, int height) {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is missing: no " + CHROMIUM
                + " (apt-get install chromium chromium-driver)");
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "chromedriver is missing: no " + CHROMEDRIVER
                + " (apt-get install chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-extensions", "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(15)).scriptTimeout(Duration.ofSeconds(5));
        // The window size includes room for a toolbar that headless Chromium does not draw: set the
        // page's own viewport, so the page and its screenshots are exactly width x height.
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
        return new HeadlessChromium(driver);
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Types {@code text} into the element with this id, as a person at the keyboard would. */
    public void type(String id, String text) {
        driver.findElement(By.id(id)).sendKeys(text);
    }

    /** Clicks the element that {@code css} selects. */
    public void click(String css) {
        driver.findElement(By.cssSelector(css)).click();
    }

    /** Runs {@code script} in the page ({@code return ...} gives its value: strings, numbers, lists, maps). */
    @SuppressWarnings("unchecked")
    public <T> T js(String script, Object... args) {
        return (T) driver.executeScript(script, args);
    }

    /** Saves what the window shows as a PNG, creating the directory when needed. */
    public void screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    /** The console messages of level SEVERE (script errors, refused resources) since the last call. */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
