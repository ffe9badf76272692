package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.runtime.Carpgate;
import io.carpgate.sim.SimulatedBackup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VIP sync on: a restore carries the master's VIPs, and the backup replaces its own with them, uuids and all. The next
 * restore, right after a reload of carpgate and while the re-read of the backup's VIPs that the store started is
 * still on its way, must point wg0 at a VIP the backup has now, not at the one the first restore replaced (the backup
 * would find no such VIP, take wg0 as having no CARP dependency, and bring it up while BACKUP). Python's
 * xmlrpc.client is the master.
 */
@EndToEnd
class RestoreAfterVipSyncEndToEndTest {
    private static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    /** The master's VIP for VHID 7, as the fixture's restore names it. */
    private static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    /** The backup's own VIP for VHID 7 before the first restore. */
    private static final String BACKUP_VIP7 = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

    @TempDir
    Path dir;

    @Test
    void aRestoreRightAfterAReloadIsPointedAtTheVipsTheLastRestoreLeft() throws Exception {
        // Once it has stored a restore, the backup's API takes 1.5 s (OPNsense's PHP takes hundreds of ms, more while
        // it reconfigures): the re-read the store starts is still on its way when the reload and the next restore come.
        AtomicReference<SimulatedBackup> stored = new AtomicReference<>();
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                .withApiCredentials(Pair.API_KEY, Pair.API_SECRET)
                .withCallDelay((call, bytes) -> call.startsWith("/api/") && stored.get() != null
                        && stored.get().restoresStored() > 0 ? Duration.ofMillis(1500) : Duration.ZERO));
        stored.set(backup);
        // The CARP cache as shipped (a test pair's default is 1 ms): a reading serves the calls of the next 2 s.
        try (Pair pair = Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(),
                "limits: {carp-cache: 2s}\n", SyncEndToEndTest.MAP)) {
            PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "restore");
            assertThat(backup.wireguardInstances().get(WG0).carpDependOn())
                    .as("the restore's own VIP for VHID 7 is the one the backup will have").isEqualTo(MASTER_VIP7);

            assertThat(pair.carpgate.reload(Map.of())).isInstanceOf(Carpgate.ReloadResult.Applied.class);
            PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "restore-no-vips");

            assertThat(backup.wireguardInstances().get(WG0).carpDependOn())
                    .as("the backup's VIP for VHID 7 is the master's since the first restore")
                    .isEqualTo(MASTER_VIP7).isNotEqualTo(BACKUP_VIP7);
            assertThat(pair.exchanges.records()).last().satisfies(record -> assertThat(record.calls())
                    .singleElement().satisfies(call -> assertThat(call.reason()).doesNotContain(BACKUP_VIP7)));
        }
    }
}
