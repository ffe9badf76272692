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
                // The page refreshes itself every few seconds; on a loaded machine that can land between finding an
                // element and reading it. Each look is repeated (a bounded number of times) on a page that did.
                for (int look = 1; ; look++) {
                    try {
                        browser.get(page);
                        assertThat(browser.getTitle()).isEqualTo("carpgate status");
                        // At the top, what an admin checks first.
                        WebElement overview = browser.findElement(By.cssSelector("section.overview"));
                        assertThat(value(overview, "Mode")).isEqualTo("enforce");
                        assertThat(value(overview, "Version")).isEqualTo(System.getProperty("carpgate.version"));
                        assertThat(value(overview, "on-unknown-carp")).isEqualTo("suppress");
                        assertThat(value(overview, "carpgate certificate SHA-256"))
                                .startsWith(pair.carpgate.listenerFingerprint().toString()).contains("(expires ");
                        assertThat(value(overview, "Last reload")).isEqualTo("in force");
                        WebElement pairSection = browser.findElement(By.id("pair-default"));
                        assertThat(pairSection.findElement(By.tagName("h2")).getText()).isEqualTo("Pair default at /");
                        assertThat(pairSection.getText()).contains("API answers");

                        // The restore replaced the backup's synced VIPs with the master's, uuid included (as OPNsense does).
                        assertThat(rows(pairSection, "table.vhids")).containsExactly(
                                List.of("7", "opt2", SyncEndToEndTest.MASTER_VIP7, "BACKUP"));
                        assertThat(pairSection.findElement(By.cssSelector("p.vips-from")).getText())
                                .as("where the uuid column's values come from, and when they change")
                                .contains("at carpgate's last read", "syncs VIPs", "after the next read");
                        assertThat(rows(pairSection, "table.instances")).containsExactly(
                                List.of("wireguard", "wg0-branches", "map+sync", "7", "opt2", "BACKUP", "suppressed"));

                        WebElement table = browser.findElement(By.cssSelector("section.decisions table.decisions"));
                        List<List<String>> decisions = rows(browser.findElement(By.cssSelector("section.decisions")),
                                "table.decisions");
                        List<String> suppressed = decisions.stream().filter(r -> r.contains("suppressed")).findFirst().orElseThrow();
                        assertThat(suppressed).contains("default", "127.0.0.1", "restart_service", "7", "BACKUP");
                        assertThat(suppressed.get(4)).startsWith("wireguard wg0-branches");
                        assertThat(suppressed.get(0)).as("a short time").matches("[0-9]{2}:[0-9]{2}:[0-9]{2}");
                        assertThat(decisions).anySatisfy(r -> assertThat(r).contains("restore_config_section"));
                        // One line per decision at 1280 px, whatever the reason's length; the coloured suppressed row.
                        int lineHeight = table.findElement(By.cssSelector("thead tr")).getSize().getHeight();
                        List<WebElement> rowElements = table.findElements(By.cssSelector("tbody tr"));
                        assertThat(rowElements).hasSizeGreaterThanOrEqualTo(7).allSatisfy(row ->
                                assertThat(row.getSize().getHeight()).as("row height").isBetween(lineHeight - 3, lineHeight + 3));
                        assertThat(table.getSize().getWidth()).as("no sideways scrolling").isLessThanOrEqualTo(1280);
                        // Nothing but the item and the reason is ever cut: the short columns show their whole text.
                        // In one script, not one round trip per cell: the page refreshes itself every 5 s.
                        Object cutCells = browser.executeScript("return Array.from(arguments[0].querySelectorAll("
                                + "'th, td:nth-child(1), td:nth-child(2), td:nth-child(3), td:nth-child(4), td:nth-child(6),"
                                + " td:nth-child(7), td:nth-child(8)')).filter(c => c.scrollWidth > c.clientWidth)"
                                + ".map(c => c.textContent);", table);
                        assertThat((List<?>) cutCells).as("cells cut off").isEmpty();
                        // The CARP column fits its longest word, UNKNOWN, whole (set into a cell as the page would show it).
                        WebElement carp = table.findElement(By.cssSelector("tbody td:nth-child(7)"));
                        Object unknownCut = browser.executeScript("arguments[0].textContent = 'UNKNOWN';"
                                + " return arguments[0].scrollWidth > arguments[0].clientWidth;", carp);
                        assertThat(unknownCut).as("UNKNOWN is cut off").isEqualTo(Boolean.FALSE);
                        WebElement suppressedRow = table.findElement(By.cssSelector("tr.decision-suppressed"));
                        assertThat(suppressedRow.findElement(By.tagName("td")).getCssValue("background-color"))
                                .isEqualTo("rgba(255, 243, 205, 1)");
                        // The reason is readable: its start in the cell, all of it on hover.
                        WebElement reason = suppressedRow.findElements(By.tagName("td")).get(8);
                        assertThat(reason.getText()).startsWith("WireGuard instance wg0-branches");
                        assertThat(reason.getAttribute("title")).contains("the backup is BACKUP for VHID 7");
                        // For a person reviewing a run: what the browser showed (kept in target/ as a build artefact).
                        Files.createDirectories(Path.of("target"));
                        Files.write(Path.of("target", "status-page.png"), browser.getScreenshotAs(OutputType.BYTES));
                        break;
                    } catch (org.openqa.selenium.WebDriverException refreshedMeanwhile) {
                        // The page refreshed itself (every 5 s) under the test's feet: a stale element, or Chrome's
                        // "node does not belong to the document". Look again, at most five times.
                        if (look == 5) {
                            throw refreshedMeanwhile;
                        }
                    }
                }

                // A rejected reload is said at the top, with its reason.
                Files.writeString(dir.resolve("carpgate.yml"), Files.readString(dir.resolve("carpgate.yml"))
                        + "mode: enforcing\n");
                assertThat(pair.carpgate.reload(java.util.Map.of()))
                        .isInstanceOf(io.carpgate.runtime.Carpgate.ReloadResult.Rejected.class);
                for (int look = 1; ; look++) {
                    try {
                        browser.navigate().refresh();
                        WebElement rejected = browser.findElement(By.cssSelector("section.overview"));
                        assertThat(value(rejected, "Last reload")).startsWith("REJECTED").contains("mode");
                        assertThat(rejected.findElement(By.cssSelector("dd.reload-rejected")).getCssValue("color"))
                                .isEqualTo("rgba(170, 0, 0, 1)");
                        break;
                    } catch (org.openqa.selenium.WebDriverException refreshedMeanwhile) {
                        // The page refreshed itself (every 5 s) under the test's feet: a stale element, or Chrome's
                        // "node does not belong to the document". Look again, at most five times.
                        if (look == 5) {
                            throw refreshedMeanwhile;
                        }
                    }
                }

                // The backup takes over VHID 7. The page shows carpgate's last read of the CARP state (it never
                // reads the backup itself); the next sync reads it, and after a refresh the admin sees MASTER, in green.
                pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
                PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all");
                pair.exchanges.awaitCall("opnsense.restart_service", "forwarded");
                for (int look = 1; ; look++) {
                    try {
                        browser.navigate().refresh();
                        WebElement refreshed = browser.findElement(By.id("pair-default"));
                        assertThat(rows(refreshed, "table.instances")).containsExactly(
                                List.of("wireguard", "wg0-branches", "map+sync", "7", "opt2", "MASTER", "pass"));
                        WebElement state = refreshed.findElement(By.cssSelector("table.instances td.state"));
                        assertThat(state.getCssValue("background-color")).isEqualTo("rgba(217, 242, 217, 1)");
                        break;
                    } catch (org.openqa.selenium.WebDriverException refreshedMeanwhile) {
                        // The page refreshed itself (every 5 s) under the test's feet: a stale element, or Chrome's
                        // "node does not belong to the document". Look again, at most five times.
                        if (look == 5) {
                            throw refreshedMeanwhile;
                        }
                    }
                }
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
                "--disable-sync", "--window-size=1280,1000",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        options.setPageLoadTimeout(Duration.ofSeconds(20));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** The value shown under a label of the overview. */
    private static String value(WebElement overview, String label) {
        // One script, not a round trip per element: the page refreshes itself every 5 s.
        Object found = script(overview, "for (const d of arguments[0].querySelectorAll('dl > div')) {"
                + " if (d.querySelector('dt').innerText.trim() === arguments[1]) return d.querySelector('dd').innerText.trim(); }"
                + " return null;", label);
        if (found == null) {
            throw new AssertionError("no '" + label + "' at the top of the page: " + overview.getText());
        }
        return (String) found;
    }

    /** The visible text of each body row's cells, read in one script (the page refreshes itself every 5 s). */
    private static List<List<String>> rows(WebElement scope, String table) {
        Object rows = script(scope, "return Array.from(arguments[0].querySelector(arguments[1]).querySelectorAll('tbody tr'))"
                + ".map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText.trim()));", table);
        return ((List<?>) rows).stream().map(r -> ((List<?>) r).stream().map(String::valueOf).toList()).toList();
    }

    private static Object script(WebElement scope, String script, Object argument) {
        org.openqa.selenium.WebDriver driver = ((org.openqa.selenium.WrapsDriver) scope).getWrappedDriver();
        return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(script, scope, argument);
    }
}
