package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Closes at the accept are logged at most once a minute per reason, and so is a request from an allowed address whose
 * user is not in allowed-users: it wrote one console WARNING each, as fast as the client could open TLS connections, so
 * the console (journald, a terminal) was the client's to fill. The access log still has every one.
 */
@EndToEnd
@Timeout(120)
class RejectedUserLinesEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void requestsOfAUserOutsideAllowedUsersDoNotWriteALineEach() throws Exception {
        byte[] firmware = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
        Logger guard = (Logger) LoggerFactory.getLogger("io.carpgate.proxy.AccessGuard");
        ListAppender<ILoggingEvent> console = new ListAppender<>();
        try (Pair pair = Pair.start(dir, "allowed-users: [root]\n", null)) {
            console.setContext(guard.getLoggerContext());
            console.start();
            guard.addAppender(console);
            String wrongUser = "Content-Type: text/xml\r\nAuthorization: " + RawHttps.basic("intruder", "x") + "\r\n";
            for (int i = 0; i < 50; i++) {
                Loopback.Answer answer = Loopback.request(Loopback.OTHER_HOST, pair.carpgate.port(),
                        "POST /xmlrpc.php HTTP/1.1", wrongUser, firmware);
                assertThat(answer.status()).isEqualTo(403);
            }
        } finally {
            guard.detachAppender(console);
        }
        assertThat(console.list).extracting(ILoggingEvent::getFormattedMessage).as("the first is said")
                .first().asString().contains("user not in allowed-users");
        long warnings = console.list.stream().filter(e -> e.getFormattedMessage().contains("user not in allowed-users"))
                .count();
        assertThat(warnings).as("console WARNINGs for 50 requests of a user outside allowed-users (a close at the "
                + "accept is logged at most once a minute)").isLessThanOrEqualTo(2);
    }

    /**
     * One line a minute for every rejection, whoever the client: one request a minute of another allowed client with
     * a wrong user name kept the console's line its own, and the master's own rejection (a user a reload took out of
     * allowed-users: its sync is broken from then on) was only counted under that client's address. Each address now
     * has its own minute.
     */
    @Test
    void theMastersFirstRejectionIsNamedOnTheConsoleAfterAnotherClientsOne() throws Exception {
        byte[] firmware = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
        Logger guard = (Logger) LoggerFactory.getLogger("io.carpgate.proxy.AccessGuard");
        ListAppender<ILoggingEvent> console = new ListAppender<>();
        try (Pair pair = Pair.start(dir, "allowed-users: [sync]\n", null)) {
            console.setContext(guard.getLoggerContext());
            console.start();
            guard.addAppender(console);
            String intruder = "Content-Type: text/xml\r\nAuthorization: " + RawHttps.basic("intruder", "x") + "\r\n";
            assertThat(Loopback.request(Loopback.OTHER_HOST, pair.carpgate.port(), "POST /xmlrpc.php HTTP/1.1",
                    intruder, firmware).status()).isEqualTo(403);
            // The master, with the user it has always used (root), now outside allowed-users.
            assertThat(Loopback.firmware(Loopback.MASTER, pair.carpgate.port(), "/xmlrpc.php", firmware).status())
                    .isEqualTo(403);
        } finally {
            guard.detachAppender(console);
        }
        assertThat(console.list).extracting(ILoggingEvent::getFormattedMessage)
                .as("console lines after one request of another client and the master's first rejection")
                .anyMatch(line -> line.contains(Loopback.MASTER.getHostAddress()));
    }
}
