package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.FailureWords;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import io.carpgate.sim.SimulatedBackup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What carpgate says after a failed call to the backup is true (a backup that had the whole call may have run it)
 * and in plain words: no answer, log line or {@code /readyz} shows Jetty's object dumps.
 */
@EndToEnd
class TruthfulRecordEndToEndTest {
    @TempDir
    Path dir;
    final RawHttps http = new RawHttps();

    private static byte[] firmware() throws IOException {
        return Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
    }

    private RawHttps.Answer call(Pair pair) throws Exception {
        return http.post(pair.carpgate("/xmlrpc.php"), RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), firmware());
    }

    @ParameterizedTest
    @EnumSource(value = SimulatedBackup.Cut.class, names = {"CLOSE", "RESET"})
    void aBackupThatReadTheWholeCallThenCutTheConnectionMayHaveRunIt(SimulatedBackup.Cut cut) throws Exception {
        try (Pair pair = Pair.start(dir, "", null)) {
            pair.backup.cutAfterReading(cut);
            // The close races Jetty's "request sent" event: several calls, so that a lost race shows.
            for (int i = 1; i <= 5; i++) {
                RawHttps.Answer answer = call(pair);
                assertThat(pair.xmlrpcCalls()).as("the backup read the whole call").hasSize(i);
                assertThat(answer.status()).isEqualTo(502);
                assertThat(answer.text()).contains("<fault>", "the backup may still have run the call",
                        "after the request was sent").doesNotContain("could not deliver");
                int done = i;
                pair.exchanges.await("call " + i, r -> pair.exchanges.records().size() >= done);
            }
            assertThat(pair.exchanges.calls()).hasSize(5).allSatisfy(logged -> {
                assertThat(logged.action()).isEqualTo(Action.FAILED);
                assertThat(logged.reason()).contains("the backup may have run the call", "(was: forwarded, ")
                        .contains(cut == SimulatedBackup.Cut.RESET ? "connection" : "connection closed by the backup");
                assertPlain(logged.reason());
            });
            assertPlain(pair.awaitLog("decisions.jsonl", "may have run the call"), pair.log("access.log"),
                    pair.console.toString(StandardCharsets.UTF_8));
        }
    }

    /** A loopback port that each connection's {@code behaviour} serves (one thread, closed with the test). */
    private static final class FakeBackup implements AutoCloseable {
        final ServerSocket socket;

        FakeBackup(Consumer<Socket> behaviour) throws IOException {
            socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                // Each connection on its own thread, as a real backup serves them: carpgate opens one to the backup
                // when the master connects, and its API client others, so one the fake waits on must not hold the rest.
                for (int served = 0; served < 64 && !socket.isClosed(); served++) {
                    Socket s;
                    try {
                        s = socket.accept();
                    } catch (IOException e) {
                        return; // closed at the end of the test
                    }
                    Thread one = new Thread(() -> {
                        try (s) {
                            behaviour.accept(s);
                        } catch (IOException e) {
                            // the client is gone: nothing to serve
                        }
                    }, "fake-backup-connection");
                    one.setDaemon(true);
                    one.start();
                }
            }, "fake-backup");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI url() {
            return URI.create("https://127.0.0.1:" + socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Reads what the client sends first, then answers plain HTTP where TLS was expected. */
    private static void notTls(Socket s) {
        try {
            InputStream in = s.getInputStream();
            in.read(new byte[512]);
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // the client gave up: nothing to serve
        }
    }

    /** Takes the connection and never says a word (no TLS), until the client gives up. */
    private static void silent(Socket s) {
        try {
            s.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the client gave up
        }
    }

    private static void resetAtOnce(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // closed already
        }
    }

    @Test
    void everyFailureKindIsSaidInPlainWordsToTheMasterTheLogsAndReadyz() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        record Kind(String name, String expected, Consumer<Socket> behaviour, String yaml) {}
        for (Kind kind : new Kind[] {
                new Kind("refused", "connection refused", TruthfulRecordEndToEndTest::notTls, ""),
                new Kind("not-tls", "TLS handshake failed", TruthfulRecordEndToEndTest::notTls, ""),
                new Kind("reset", "connection reset by the backup", TruthfulRecordEndToEndTest::resetAtOnce, ""),
                new Kind("silent", "timed out after 1 s", TruthfulRecordEndToEndTest::silent,
                        "limits: {upstream-timeout: 1s}\n"),
                new Kind("wrong-pin", "backup TLS certificate rejected", TruthfulRecordEndToEndTest::notTls, "")}) {
            Path here = Files.createDirectories(dir.resolve(kind.name()));
            try (SimulatedBackup sim = SimulatedBackup.start(SimulatedBackup.Options.defaults());
                 FakeBackup fake = new FakeBackup(kind.behaviour());
                 Pair pair = Pair.start(here, sim, switch (kind.name()) {
                             case "refused" -> URI.create("https://127.0.0.1:" + closedPort);
                             case "wrong-pin" -> sim.baseUrl();
                             default -> fake.url();
                         }, kind.name().equals("wrong-pin") ? FailuresEndToEndTest.OTHER_PIN : sim.fingerprint().toString(),
                         kind.yaml(), null)) {
                RawHttps.Answer answer = call(pair);
                assertThat(answer.status()).as(kind.name()).isEqualTo(502);
                assertThat(answer.text()).as(kind.name()).contains("could not deliver the call");
                if (kind.name().equals("reset")) {
                    // A reset reaches the JDK as ECONNRESET before or during the TLS handshake, or, when the RST
                    // overtakes the read, as an end of stream ("Abruptly closed by peer", or Jetty's own EOF when the
                    // connection is closed before its handshake began): each is said as the reset or close it is
                    // (never as a TLS failure, FailureWords), in plain words, as not delivered.
                    assertThat(answer.text()).as(kind.name()).containsPattern("connection (reset|closed) by the backup");
                } else {
                    assertThat(answer.text()).as(kind.name()).contains(kind.expected());
                }
                CallOutcome logged = pair.exchanges.awaitCall("opnsense.firmware_version", "failed");
                assertThat(logged.action()).isEqualTo(Action.FAILED);
                String readyz = readyz(pair);
                assertThat(readyz).as(kind.name()).contains("NOT READY");
                assertPlain(answer.text(), logged.reason(), readyz,
                        pair.awaitLog("decisions.jsonl", "the backup did not get the whole call"),
                        pair.log("access.log"), pair.console.toString(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aFullDiskUnderTheDecisionLogIsCountedAndMakesReadyzAndTheStatusPageSaySo() throws Exception {
        Path fullDisk = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(fullDisk), "/dev/full (Linux): ENOSPC on write");
        Files.createDirectories(dir.resolve("logs"));
        Files.createSymbolicLink(dir.resolve("logs/decisions.jsonl"), fullDisk);
        try (Pair pair = Pair.start(dir, "", null)) {
            assertThat(call(pair).status()).as("enforcement does not wait for the logs").isEqualTo(200);
            pair.exchanges.awaitCall("opnsense.firmware_version", "forwarded");
            int port = pair.carpgate.admin().orElseThrow().port();
            HttpClient client = HttpClient.newHttpClient();
            String metrics = org.awaitility.Awaitility.await("the lost lines are counted").atMost(ExchangeRecorder.DEADLINE)
                    .until(() -> get(client, port, "/metrics").body(),
                            m -> m.contains("carpgate_log_write_errors_total{log=\"decision\"} 2.0"));
            assertThat(metrics).as("the access log is written").contains("carpgate_log_write_errors_total{log=\"access\"} 0.0");
            HttpResponse<String> readyz = get(client, port, "/readyz");
            assertThat(readyz.statusCode()).isEqualTo(503);
            assertThat(readyz.body()).contains("logs: NOT READY - decision log NOT written since",
                    "No space left on device");
            assertThat(get(client, port, "/").body()).contains("logs-failing", "No space left on device");
            assertThat(pair.awaitLog("access.log", "opnsense.firmware_version")).contains("decision=forwarded");
        }
    }

    private static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String readyz(Pair pair) throws Exception {
        int port = pair.carpgate.admin().orElseThrow().port();
        // The CARP read runs in the background: /readyz says NOT READY once its first read has failed. One client for
        // every poll: each new one would keep a connection of its own open (the listener takes 16 per address).
        HttpClient client = HttpClient.newHttpClient();
        return org.awaitility.Awaitility.await("readyz reports the failed API read").atMost(ExchangeRecorder.DEADLINE)
                .until(() -> client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString()).body(),
                        b -> b.contains("NOT READY") && !b.contains("no CARP state read from the backup yet"));
    }

    static void assertPlain(String... texts) {
        for (String text : texts) {
            assertThat(FailureWords.plain(text)).as("no Jetty internals in: " + text).isTrue();
            assertThat(text).doesNotContain("oejc", "oeji", "HttpConnectionOverHTTP", "SslEndPoint", "EOFException");
        }
    }
}
