package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.observe.ExchangeRecord;
import io.carpgate.sim.SimulatedBackup;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * carpgate keeps its connection to the backup open through a burst and opens one when an allowed client connects.
 * A connection the backup closed while it sat unused (lighttpd's keep-alive idle time) is never used for a call:
 * each call reaches the backup once and its answer comes back, never a failure for a call that was not sent.
 */
@EndToEnd
class UpstreamKeepAliveEndToEndTest {
    @TempDir
    Path dir;

    final RawHttps http = new RawHttps();

    @Test
    void callsAfterTheBackupClosedItsIdleConnectionsEachReachItOnce() throws Exception {
        try (Pair pair = start("")) {
            for (int i = 1; i <= 4; i++) {
                firmwareIsAnswered(pair, "call " + i);
                assertThat(pair.xmlrpcCalls()).as("call " + i + " reached the backup once").hasSize(i);
                // The backup closes every connection carpgate kept open (the sync path's and the API's).
                awaitNoConnectionToTheBackup(pair);
            }
            List<ExchangeRecord> records = pair.exchanges.records().stream()
                    .filter(r -> r.requestLine().startsWith("POST /xmlrpc.php")).toList();
            assertThat(records).hasSize(4).allSatisfy(r -> {
                assertThat(r.failure()).isEmpty();
                assertThat(r.upstreamStatus()).contains(200);
            });
        }
    }

    @Test
    @SuppressWarnings("try") // the bare connection is held open on purpose: its accept opened one to the backup
    void aConnectionOpenedAtTheAcceptThatTheBackupClosedIsNotUsed() throws Exception {
        try (Pair pair = start("limits: {carp-refresh: off}\n")) {
            awaitNoConnectionToTheBackup(pair);
            try (Socket bare = new Socket(InetAddress.getLoopbackAddress(), pair.carpgate.port())) {
                // The accept opens a connection to the backup (and a CARP read); the backup closes it unused.
                awaitConnectionsToTheBackup(pair, "a connection to the backup opened at the accept", n -> n > 0);
                awaitNoConnectionToTheBackup(pair);
            }
            firmwareIsAnswered(pair, "the call after the accept's connection was closed");
            assertThat(pair.xmlrpcCalls()).hasSize(1);
        }
    }

    @Test
    void aCallTheBackupTakesLongerThanAKeptAliveConnectionMayIdleIsAnswered() throws Exception {
        try (Pair pair = Pair.start(dir, "", null)) {
            // Longer than carpgate keeps an unused connection to the backup (4 s), shorter than upstream-timeout (60 s).
            pair.backup.setXmlRpcDelay(Duration.ofMillis(4_500));
            firmwareIsAnswered(pair, "the slow call");
            assertThat(pair.xmlrpcCalls()).hasSize(1);
        }
    }

    /** A backup that closes a connection after 300 ms unused (set before carpgate opens any), and carpgate. */
    private Pair start(String yaml) throws Exception {
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD).withApiCredentials(Pair.API_KEY, Pair.API_SECRET));
        backup.setIdleTimeout(Duration.ofMillis(300));
        try {
            return Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(), yaml, null);
        } catch (Exception | Error e) {
            backup.close();
            throw e;
        }
    }

    /** A firmware_version through carpgate, as the master sends it: the backup's answer comes back, not a fault. */
    private void firmwareIsAnswered(Pair pair, String as) throws Exception {
        byte[] call = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
        RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"),
                RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), call);
        assertThat(answer.status()).as(as).isEqualTo(200);
        assertThat(answer.text()).as(as).contains("<name>firmware</name>").doesNotContain("faultCode");
    }

    private static void awaitNoConnectionToTheBackup(Pair pair) {
        awaitConnectionsToTheBackup(pair, "the backup closed its idle connections", n -> n == 0);
    }

    /** Polls often: a connection the backup closes after 300 ms unused is open only briefly. */
    private static void awaitConnectionsToTheBackup(Pair pair, String what, IntPredicate open) {
        org.awaitility.Awaitility.await(what).atMost(ExchangeRecorder.DEADLINE).pollInterval(Duration.ofMillis(5))
                .until(() -> open.test(pair.backup.openConnections()));
    }
}
