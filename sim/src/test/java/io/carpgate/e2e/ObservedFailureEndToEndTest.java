package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.observe.ExchangeRecord;
import io.carpgate.sim.SimulatedBackup;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Observe mode: a restart carpgate would suppress goes on, and the backup's port refuses the connection (the master
 * gets a 502). The record says it failed (it said decision=suppressed mode=observe, with no word of the failure).
 */
@EndToEnd
class ObservedFailureEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void anObservedStartThatNeverReachedTheBackupIsRecordedAsFailed() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (SimulatedBackup unused = SimulatedBackup.start(SimulatedBackup.Options.defaults());
             Pair pair = Pair.start(dir, unused, URI.create("https://127.0.0.1:" + closed),
                     unused.fingerprint().toString(), "mode: observe\n", null)) {
            RawHttps.Answer answer = new RawHttps().post(pair.carpgate("/xmlrpc.php"),
                    RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), java.nio.file.Files.readAllBytes(
                            PythonMaster.fixtures().resolve("restart_service.wireguard.request.xml")));
            assertThat(answer.status()).isEqualTo(502);
            ExchangeRecord record = pair.exchanges.await("the restart", r -> true);
            String access = pair.awaitLog("access.log", "restart_service");
            String decisions = pair.awaitLog("decisions.jsonl", "\"stage\":\"done\"");
            assertThat(access).as("access.log").contains("decision=failed");
            assertThat(decisions).as("decisions.jsonl").contains("connection refused");
        }
    }
}
