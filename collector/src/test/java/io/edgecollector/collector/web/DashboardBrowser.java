package io.edgecollector.collector.web;

import io.edgecollector.collector.testing.Await;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/** Debian's headless Chromium driven through /usr/bin/chromedriver (installed by .ci/run when missing). */
final class DashboardBrowser implements AutoCloseable {
    private static final String PROBE = "dashboard-test-console-probe";

    private final ChromeDriver driver;

    /** What the page showed once its tiles and chart were there. */
    record Seen(List<String> tileTexts, List<String> sensorIds, long images, boolean alertOpened, long chartWidth,
                long chartHeight, long seriesPixels, long sparklines, List<String> consoleErrors) {
    }

    private DashboardBrowser(ChromeDriver driver) {
        this.driver = driver;
    }

    static DashboardBrowser open() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1400");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        return new DashboardBrowser(new ChromeDriver(service, options));
    }

    /** Opens the page, waits for a tile naming the sensor, selects it for the chart, looks, and takes a screenshot. */
    Seen look(String url, String sensor, Path screenshot) throws Exception {
        driver.get(url);
        Await.until("a tile for " + sensor, Duration.ofSeconds(20), () -> tileOf(sensor) != null);
        tileOf(sensor).click();
        Await.until("the chart of " + sensor, Duration.ofSeconds(20), () -> seriesPixels() > 100);
        boolean alertOpened;
        try {
            driver.switchTo().alert();
            alertOpened = true;
        } catch (NoAlertPresentException none) {
            alertOpened = false;
        }
        List<String> tiles = driver.findElements(By.cssSelector("#tiles .tile")).stream().map(WebElement::getText).toList();
        List<String> ids = driver.findElements(By.cssSelector("#tiles .tile .id")).stream().map(WebElement::getText).toList();
        long images = driver.findElements(By.cssSelector("img")).size();
        WebElement chart = driver.findElement(By.cssSelector("#chart canvas"));
        long sparklines = driver.findElements(By.cssSelector("#tiles .spark canvas")).size();
        Files.createDirectories(screenshot.toAbsolutePath().getParent());
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        // a probe proves the console is really read: without it, "no errors" could mean "no log"
        ((JavascriptExecutor) driver).executeScript("console.error('" + PROBE + "')");
        List<LogEntry> console = driver.manage().logs().get(LogType.BROWSER).getAll();
        if (console.stream().noneMatch(e -> e.getMessage().contains(PROBE))) {
            throw new IllegalStateException("the browser console cannot be read: " + console);
        }
        List<String> errors = console.stream().filter(e -> !e.getMessage().contains(PROBE))
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::toString).toList();
        return new Seen(tiles, ids, images, alertOpened, chart.getSize().getWidth(), chart.getSize().getHeight(),
                seriesPixels(), sparklines, errors);
    }

    private WebElement tileOf(String sensor) {
        for (WebElement id : driver.findElements(By.cssSelector("#tiles .tile .id"))) {
            if (id.getText().equals(sensor)) {
                return id.findElement(By.xpath(".."));
            }
        }
        return null;
    }

    /** Pixels of the chart's canvas in the series colour (#2f6fde): the line itself, not axes or grid. */
    private long seriesPixels() {
        Object n = ((JavascriptExecutor) driver).executeScript("""
                const c = document.querySelector('#chart canvas');
                if (!c || c.width === 0) return 0;
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) {
                  if (Math.abs(d[i] - 47) < 12 && Math.abs(d[i + 1] - 111) < 12 && Math.abs(d[i + 2] - 222) < 12 && d[i + 3] > 200) n++;
                }
                return n;""");
        return ((Number) n).longValue();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
