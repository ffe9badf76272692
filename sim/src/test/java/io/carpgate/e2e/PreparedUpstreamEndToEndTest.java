package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection to the backup that an allowed client's accept opens is ready when the call needs it: its TLS
 * handshake with the backup has completed while the master is still sending, not at the call's first request byte;
 * and a later connection to the backup, after the kept one expired, resumes the TLS session instead of a full
 * handshake. The backup is the JDK's own TLS server, recording per connection when its handshake completed and when
 * the first request byte came.
 */
@EndToEnd
class PreparedUpstreamEndToEndTest {
    /** Nothing reads the backup's API on its own: only an accept starts a CARP read. */
    private static final String QUIET = "limits: {carp-cache: 2s, carp-refresh: off}\nwatch: {interval: off}\n";
    private static final String XMLRPC = "POST /xmlrpc.php ";

    @TempDir
    Path dir;

    @Test
    void theConnectionOpenedAtTheAcceptHasFinishedItsHandshakeWhileTheMasterIsStillSending() throws Exception {
        // The backup closes the sync path's connection after each answer and keeps the API's open, so an accept's CARP
        // read goes out on a kept connection and the only new connection is the one the accept opens for the call.
        try (HandshakeTimedBackup backup = new HandshakeTimedBackup(line -> line.startsWith(XMLRPC));
             SimulatedBackup unused = SimulatedBackup.start(SimulatedBackup.Options.defaults());
             Pair pair = Pair.start(dir, unused, backup.url(), backup.fingerprint().toString(), QUIET, null)) {
            byte[] call = firmwareVersion();
            int before = afterAFirstCallSettled(pair, backup, call);

            Sent sent = postHoldingHalf(pair, call, backup, before);
            List<HandshakeTimedBackup.Connection> since = backup.connections().subList(before,
                    backup.connections().size());
            assertThat(sent.text()).startsWith("HTTP/1.1 200").contains("<name>firmware</name>");
            List<HandshakeTimedBackup.Connection> sync = since.stream().filter(c -> c.carries(XMLRPC)).toList();
            assertThat(sync).as("the call went out on one new connection: " + since).hasSize(1);
            assertThat(since).as("every other new connection is the API's").allMatch(c -> c.carries(XMLRPC)
                    || c.requestLines.stream().allMatch(line -> line.startsWith("GET /api/")));
            HandshakeTimedBackup.Connection used = sync.get(0);
            assertThat(used.requestLines).containsExactly("POST /xmlrpc.php HTTP/1.1");
            assertThat(used.handshakeDoneNanos.get()).as("the handshake completed before the master's last byte")
                    .isLessThan(sent.lastByteNanos());
            assertThat(used.firstByteNanos.get()).as("nothing was sent on it before the master's last byte")
                    .isGreaterThan(sent.lastByteNanos());
        }
    }

    @Test
    @SuppressWarnings("try") // the bare connections are held open on purpose: their accepts are what is tested
    void manyAcceptsAtOnceOpenOneConnectionToTheBackupAndSendNothingOnIt() throws Exception {
        try (HandshakeTimedBackup backup = new HandshakeTimedBackup(line -> line.startsWith(XMLRPC));
             SimulatedBackup unused = SimulatedBackup.start(SimulatedBackup.Options.defaults());
             Pair pair = Pair.start(dir, unused, backup.url(), backup.fingerprint().toString(), QUIET, null)) {
            int before = afterAFirstCallSettled(pair, backup, firmwareVersion());
            List<java.net.Socket> bare = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) { // within the per-client limit; no TLS byte is sent on any of them
                    bare.add(new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), pair.carpgate.port()));
                }
                java.util.function.Supplier<Long> prepared = () -> backup.connections().stream().skip(before)
                        .filter(PreparedUpstreamEndToEndTest::quietSinceItsHandshake).count();
                Awaitility.await("a connection to the backup opened and handshaken for the accepts")
                        .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> prepared.get() == 1);
                // Held for a second (shorter than the 4 s an unused one is kept): never a second one, nothing sent.
                Awaitility.await("still one, and nothing sent on it").during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                        .until(() -> prepared.get() == 1 && backup.connections().stream().skip(before)
                                .noneMatch(c -> c.carries(XMLRPC)));
            } finally {
                for (java.net.Socket socket : bare) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aConnectionToTheBackupAfterTheKeptOneExpiredResumesTheTlsSession() throws Exception {
        // The backup keeps every connection open: the sync path's is closed by carpgate, after 4 s unused.
        try (HandshakeTimedBackup backup = new HandshakeTimedBackup(line -> false);
             SimulatedBackup unused = SimulatedBackup.start(SimulatedBackup.Options.defaults());
             Pair pair = Pair.start(dir, unused, backup.url(), backup.fingerprint().toString(), QUIET, null)) {
            byte[] call = firmwareVersion();
            assertThat(post(pair, call).text()).startsWith("HTTP/1.1 200");
            HandshakeTimedBackup.Connection first = syncConnections(backup).get(0);
            assertThat(first.fullHandshake).as("the sync path's first connection: a full handshake").isTrue();
            long answered = System.nanoTime();
            Awaitility.await("carpgate closed its unused connection to the backup").atMost(ExchangeRecorder.DEADLINE)
                    .pollInterval(Duration.ofMillis(20)).until(() -> first.closedByClientNanos.get() != null);
            assertThat(Duration.ofNanos(first.closedByClientNanos.get() - answered))
                    .as("closed for idleness, not at once").isGreaterThan(Duration.ofSeconds(3));

            assertThat(post(pair, call).text()).startsWith("HTTP/1.1 200");
            List<HandshakeTimedBackup.Connection> sync = syncConnections(backup);
            assertThat(sync).as("the second call went out on a new connection").hasSize(2);
            assertThat(sync.get(1).handshaken()).isTrue();
            assertThat(sync.get(1).fullHandshake).as("the new connection resumed the session (no certificate sent)")
                    .isFalse();
        }
    }

    private static byte[] firmwareVersion() throws java.io.IOException {
        return Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
    }

    /**
     * A first call settles what start-up and the first accept open (the API's connections); the sync path's connection
     * it used is closed by the backup, so none is ready for the call under test. Returns how many connections the
     * backup has seen by then.
     */
    private static int afterAFirstCallSettled(Pair pair, HandshakeTimedBackup backup, byte[] call) throws Exception {
        assertThat(post(pair, call).text()).startsWith("HTTP/1.1 200");
        Awaitility.await("the sync path's connections closed").atMost(ExchangeRecorder.DEADLINE)
                .pollInterval(Duration.ofMillis(5)).until(() -> backup.connections().stream()
                        .allMatch(c -> c.closedByClientNanos.get() != null || c.carries("GET /api/")));
        return backup.connections().size();
    }

    private static List<HandshakeTimedBackup.Connection> syncConnections(HandshakeTimedBackup backup) {
        return backup.connections().stream().filter(c -> c.carries(XMLRPC)).toList();
    }

    /**
     * Handshaken 50 ms ago and no request since: the connection the accept opened, not one of the API's (whose request
     * follows its handshake at once); the assertions after the call check which connection the call used.
     */
    private static boolean quietSinceItsHandshake(HandshakeTimedBackup.Connection c) {
        Long done = c.handshakeDoneNanos.get();
        return done != null && c.firstByteNanos.get() == null
                && System.nanoTime() - done > Duration.ofMillis(50).toNanos();
    }

    record Sent(String text, long lastByteNanos) {}

    /** The master's call through carpgate, on one TLS connection, sent without a pause. */
    private static Sent post(Pair pair, byte[] body) throws Exception {
        return post(pair, body, Optional.empty(), 0);
    }

    /**
     * The master's call through carpgate, on one TLS connection: the master sends the head and half the body, waits
     * until {@code backup} has seen a connection past {@code connectionsBefore} finish its TLS handshake (the one the
     * accept opened), and only then sends the rest: a handshake that waited for the call's first request byte never
     * completes before the deadline, and fails the test.
     */
    private static Sent postHoldingHalf(Pair pair, byte[] body, HandshakeTimedBackup backup, int connectionsBefore)
            throws Exception {
        return post(pair, body, Optional.of(backup), connectionsBefore);
    }

    private static Sent post(Pair pair, byte[] body, Optional<HandshakeTimedBackup> heldFor, int connectionsBefore)
            throws Exception {
        String head = "POST /xmlrpc.php HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: XML_RPC\r\nContent-Type: text/xml\r\n"
                + "Authorization: " + RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD) + "\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        try (RawTls master = new RawTls(pair.carpgate.port(), 30_000)) {
            int half = body.length / 2;
            master.send(head.getBytes(StandardCharsets.US_ASCII));
            master.send(Arrays.copyOfRange(body, 0, half));
            if (heldFor.isPresent()) {
                HandshakeTimedBackup backup = heldFor.get();
                try {
                    Awaitility.await("a connection to the backup handshaken while the master is still sending")
                            .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
                            .until(() -> backup.connections().stream().skip(connectionsBefore)
                                    .anyMatch(PreparedUpstreamEndToEndTest::quietSinceItsHandshake));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("no connection to the backup finished its TLS handshake while the master "
                            + "held the rest of its body; new connections: "
                            + backup.connections().subList(connectionsBefore, backup.connections().size()), e);
                }
            }
            long lastByte = System.nanoTime();
            master.send(Arrays.copyOfRange(body, half, body.length));
            return new Sent(master.readAll(), lastByte);
        }
    }
}
