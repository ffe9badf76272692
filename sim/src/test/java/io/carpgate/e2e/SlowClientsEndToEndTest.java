package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carpgate.observe.ExchangeRecord;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** limits.request-read-timeout (3 s here) against clients that trickle; the idle timeout is 1 s. */
@EndToEnd
class SlowClientsEndToEndTest {
    static final String AUTH = RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD);

    @TempDir
    Path dir;
    Pair pair;
    byte[] firmware;

    final ListAppender<ILoggingEvent> console = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        pair = Pair.start(dir, "limits: {client-idle-timeout: 1s, request-read-timeout: 3s}\n", SyncEndToEndTest.MAP);
        firmware = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
        // What the console gets (WARN and up, as an admin's console): Jetty's own lines included.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        console.setContext(context);
        console.addFilter(new ch.qos.logback.core.filter.Filter<>() {
            @Override
            public ch.qos.logback.core.spi.FilterReply decide(ILoggingEvent event) {
                return event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)
                        ? ch.qos.logback.core.spi.FilterReply.NEUTRAL : ch.qos.logback.core.spi.FilterReply.DENY;
            }
        });
        console.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(console);
    }

    @AfterEach
    void stop() throws Exception {
        pair.close();
    }

    private void stillServing(Pair pair) throws Exception {
        pair.backup.reset();
        RawHttps.Answer answer = new RawHttps().post(pair.carpgate("/xmlrpc.php"), AUTH, firmware);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("firmware");
    }

    /**
     * A byte every 300 ms never trips the 1 s idle timeout; limits.request-read-timeout (3 s here) still
     * closes the connection, for headers and for bodies alike, while others are served.
     */
    @Test
    void tricklingHeadersAndTricklingBodiesLoseTheirConnectionAtTheRequestDeadline() throws Exception {
        String headers = "POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\nContent-Type: text/xml\r\n"
                + "X-Padding: " + "p".repeat(200) + "\r\n";
        try (RawTls headerTrickle = new RawTls(pair.carpgate.port(), 10_000);
             RawTls bodyTrickle = new RawTls(pair.carpgate.port(), 10_000)) {
            bodyTrickle.send("POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\nContent-Type: text/xml\r\n"
                    + "Authorization: " + AUTH + "\r\nContent-Length: 1000\r\n\r\n");
            long start = System.nanoTime();
            boolean headerOpen = true;
            boolean bodyOpen = true;
            for (int i = 0; i < 40 && (headerOpen || bodyOpen); i++) { // at most 12 s
                headerOpen = headerOpen && trickle(headerTrickle, headers.charAt(i % headers.length()));
                bodyOpen = bodyOpen && trickle(bodyTrickle, ' ');
                Thread.sleep(300);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(headerOpen).as("trickled headers closed").isFalse();
            assertThat(bodyOpen).as("trickled body closed").isFalse();
            assertThat(seconds).as("closed near the 3 s deadline, not at the end of the loop").isLessThan(10);
            stillServing(pair);
        }
        assertThat(pair.xmlrpcCalls()).hasSize(1);
        // What it is: closed unanswered at the request deadline, not an HTTP 500.
        ExchangeRecord closed = pair.exchanges.await("the trickled body's record", r -> r.closedBy().isPresent());
        assertThat(closed.decisionSummary()).isEqualTo("closed");
        assertThat(pair.awaitLog("access.log", "closed=request-read-timeout"))
                .contains("\"POST /xmlrpc.php HTTP/1.1\" - - ", "decision=closed closed=request-read-timeout")
                .doesNotContain(" 500 ");
        assertThat(console.list).extracting(ILoggingEvent::getFormattedMessage).as("no Jetty noise on the console")
                .noneMatch(m -> m.contains("writeError") || m.contains("ClosedChannelException"));
    }

    /**
     * A master that hangs up before its whole body arrived got no answer, and nothing reached the backup: the record
     * says the client closed it, not an HTTP 400 that was never sent.
     */
    @Test
    void aClientThatHangsUpMidBodyIsRecordedAsHavingClosedIt() throws Exception {
        try (RawTls hangUp = new RawTls(pair.carpgate.port(), 10_000)) {
            hangUp.send("POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\nContent-Type: text/xml\r\n"
                    + "Authorization: " + AUTH + "\r\nContent-Length: 1000\r\n\r\n<?xml version=\"1.0\"?>");
        }
        ExchangeRecord closed = pair.exchanges.await("the hung-up body's record", r -> r.closedBy().isPresent());
        assertThat(closed.decisionSummary()).isEqualTo("closed");
        assertThat(pair.awaitLog("access.log", "closed=client-hung-up"))
                .contains("\"POST /xmlrpc.php HTTP/1.1\" - - ", "decision=closed closed=client-hung-up")
                .doesNotContain(" 400 ", " 500 ");
        assertThat(pair.xmlrpcCalls()).isEmpty();
        stillServing(pair);
    }

    /** A client silent past limits.client-idle-timeout mid-body is closed by carpgate, and the record says so. */
    @Test
    void aClientSilentMidBodyIsRecordedAsClosedAtItsIdleTimeout() throws Exception {
        try (RawTls silent = new RawTls(pair.carpgate.port(), 10_000)) {
            silent.send("POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\nContent-Type: text/xml\r\n"
                    + "Authorization: " + AUTH + "\r\nContent-Length: 1000\r\n\r\n<?xml version=\"1.0\"?>");
            ExchangeRecord closed = pair.exchanges.await("the silent body's record", r -> r.closedBy().isPresent());
            assertThat(closed.decisionSummary()).isEqualTo("closed");
        }
        assertThat(pair.awaitLog("access.log", "closed=client-idle-timeout"))
                .contains("\"POST /xmlrpc.php HTTP/1.1\" - - ", "decision=closed closed=client-idle-timeout")
                .doesNotContain(" 400 ", " 500 ");
        assertThat(pair.xmlrpcCalls()).isEmpty();
    }

    /** The deadline is for receiving the request: a backup that takes longer to answer is waited for. */
    @Test
    void aBackupSlowerThanTheRequestDeadlineIsStillWaitedFor() throws Exception {
        pair.backup.setXmlRpcDelay(java.time.Duration.ofMillis(4500));
        try {
            RawHttps.Answer answer = new RawHttps().post(pair.carpgate("/xmlrpc.php"), AUTH, firmware);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text()).contains("firmware");
        } finally {
            pair.backup.setXmlRpcDelay(java.time.Duration.ZERO);
        }
    }

    /** One byte; false once the server has closed the connection (the write, or a read, fails). */
    static boolean trickle(RawTls connection, char c) {
        try {
            connection.send(String.valueOf(c));
            connection.socket.setSoTimeout(1);
            int read = connection.socket.getInputStream().read();
            return read != -1;
        } catch (java.net.SocketTimeoutException e) {
            return true; // nothing to read: still open
        } catch (java.io.IOException e) {
            return false;
        }
    }

}
