package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carpgate.observe.ConsoleLines;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the admin must fix after a sync is on the console, not only inside a decision-log reason: a rejected restore
 * and a restore that went on with a WARNING each get a WARN line (VIP sync off, the master's three kinds of item).
 * Python's xmlrpc.client is the master.
 */
@EndToEnd
class RestoreConsoleWarningEndToEndTest {
    private static final String MAP = "wireguard:\n  wg0-branches: {vhid: 7, interface: opt2}\n"
            + "openvpn:\n  branch-client: {vhid: 7, interface: opt2}\n";

    @TempDir
    Path dir;

    private List<String> consoleWarnings(String vhidMap) throws Exception {
        ListAppender<ILoggingEvent> console = new ListAppender<>();
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ConsoleLines.class);
        try (Pair pair = Pair.start(dir, "", vhidMap)) {
            console.start(); // after the start: its logging set-up replaces the appenders
            logger.addAppender(console);
            PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-three-kinds-no-vip-sync");
            pair.exchanges.awaitCall("the restore", c -> c.method().equals("opnsense.restore_config_section"));
        } finally {
            logger.detachAppender(console);
        }
        return console.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("a restore")).toList();
    }

    @Test
    void aRejectedRestoreIsSaidOnTheConsole() throws Exception {
        assertThat(consoleWarnings(null)).singleElement().asString()
                .contains("pair default: a restore was rejected, nothing sent",
                        "WireGuard instance wg0-branches depends on VIP", "name its VHID in the VHID map")
                .doesNotContain("\n");
    }

    @Test
    void aRestoreThatWentOnWithAWarningIsSaidOnTheConsole() throws Exception {
        assertThat(consoleWarnings(MAP)).singleElement().asString()
                .contains("pair default: a restore went on with a WARNING", "DHCP relay lan", "never starts the relay");
    }
}
