package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mode: observe decides and logs as usual but forwards the master's bytes unchanged. */
@EndToEnd
class ObserveModeEndToEndTest {
    static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";

    @TempDir
    Path dir;

    @Test
    void everythingIsForwardedUnchangedAndTheLogSaysWhatWouldHaveHappened() throws Exception {
        RawHttps http = new RawHttps();
        try (Pair pair = Pair.start(dir, "mode: observe\n", SyncEndToEndTest.MAP)) {
            assertThat(pair.console.toString()).contains("mode: observe");
            String auth = RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD);
            byte[] restore = SyncEndToEndTestSupport.restoreWithoutVips();
            http.post(pair.carpgate("/xmlrpc.php"), auth, restore);
            byte[] restart = Files.readAllBytes(PythonMaster.fixtures().resolve("restart_service.wireguard.request.xml"));
            RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"), auth, restart);

            // Unchanged bytes reached the backup: the master's VIP uuid, and the restart itself.
            assertThat(pair.xmlrpcCalls()).hasSize(2);
            assertThat(pair.xmlrpcCalls().get(0).body()).isEqualTo(restore);
            assertThat(new String(pair.xmlrpcCalls().get(0).body(), StandardCharsets.UTF_8)).contains(MASTER_VIP7);
            assertThat(pair.xmlrpcCalls().get(1).body()).isEqualTo(restart);
            assertThat(answer.text()).contains("has been restarted");
            assertThat(pair.backup.wireguardUp()).contains("3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b");

            assertThat(pair.exchanges.await("the observed restart", r -> r.decisionSummary().equals("suppressed"))
                    .observed()).isTrue();
            assertThat(pair.exchanges.await("the observed restore", r -> r.decisionSummary().equals("rewritten"))
                    .observed()).isTrue();
            // The access log marks it (its format is otherwise checked in SyncEndToEndTest).
            pair.awaitLog("access.log", "decision=suppressed mode=observe");
        }
    }
}
