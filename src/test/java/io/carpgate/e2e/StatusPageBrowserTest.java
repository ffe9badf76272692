package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page as an admin sees it: Debian's Chromium, headless, driven through chromedriver after a real
 * "Synchronize and reconfigure all". Reads rendered text and colours, not the HTML source.
 */
@EndToEnd
class StatusPageBrowserTest {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    @Test
    void anAdminSeesTheVhidsTheInstanceItFollowsAndTheSuppressedStartThenTheStateChange() throws Exception {
        boolean present = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
        if ("true".equals(System.getenv("CI"))) {
            assertThat(present).as(".ci/run installs chromium and chromium-driver").isTrue();
        }
        Assumptions.assumeTrue(present, "Debian's chromium and chromium-driver are not installed here");

        try (Pair pair = Pair.start(dir, "", SyncEndToEndTest.MAP)) {
            PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all");
            pair.exchanges.awaitCall("opnsense.restart_service", "suppressed");
            String page = "http://127.0.0.1:" + pair.carpgate.admin().orElseThrow().port() + "/";

            ChromeDriver browser = browser();
            try {
                browser.get(page);
                assertThat(browser.getTitle()).isEqualTo("carpgate status");
                WebElement pairSection = browser.findElement(By.id("pair-default"));
                assertThat(pairSection.findElement(By.tagName("h2")).getText()).isEqualTo("Pair default at /");
                assertThat(pairSection.getText()).contains("API answers");

                // The restore replaced the backup's synced VIPs with the master's, uuid included (as OPNsense does).
                assertThat(rows(pairSection, "table.vhids")).containsExactly(
                        List.of("7", "opt2", SyncEndToEndTest.MASTER_VIP7, "BACKUP"));
                assertThat(rows(pairSection, "table.instances")).containsExactly(
                        List.of("wireguard", "wg0-branches", "map+sync", "7", "opt2", "BACKUP", "suppressed"));

                List<List<String>> decisions = rows(browser.findElement(By.cssSelector("section.decisions")),
                        "table.decisions");
                List<String> suppressed = decisions.stream().filter(r -> r.contains("suppressed")).findFirst().orElseThrow();
                assertThat(suppressed).contains("default", "127.0.0.1", "opnsense.restart_service", "wireguard", "7",
                        "BACKUP");
                assertThat(decisions).anySatisfy(r -> assertThat(r).contains("opnsense.restore_config_section"));
                // For a person reviewing a failed run: what the browser showed.
                Files.createDirectories(Path.of("target"));
                Files.write(Path.of("target", "status-page.png"), browser.getScreenshotAs(OutputType.BYTES));

                // The backup takes over VHID 7. The page shows carpgate's last read of the CARP state (it never
                // reads the backup itself); the next sync reads it, and after a refresh the admin sees MASTER, in green.
                pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
                PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all");
                pair.exchanges.awaitCall("opnsense.restart_service", "forwarded");
                browser.navigate().refresh();
                WebElement refreshed = browser.findElement(By.id("pair-default"));
                assertThat(rows(refreshed, "table.instances")).containsExactly(
                        List.of("wireguard", "wg0-branches", "map+sync", "7", "opt2", "MASTER", "pass"));
                WebElement state = refreshed.findElement(By.cssSelector("table.instances td.state"));
                assertThat(state.getCssValue("background-color")).isEqualTo("rgba(217, 242, 217, 1)");
            } finally {
                browser.quit();
            }
        }
    }

    private ChromeDriver browser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1000",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        options.setPageLoadTimeout(Duration.ofSeconds(20));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** The visible text of each body row's cells. */
    private static List<List<String>> rows(WebElement scope, String table) {
        return scope.findElement(By.cssSelector(table)).findElements(By.cssSelector("tbody tr")).stream()
                .map(r -> r.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
                .toList();
    }
}
