package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimVip;
import io.carpgate.sim.SimulatedBackup;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * VIP sync on, the master's VIP for wg0's VHID 7 marked "No XMLRPC sync" there: the restore carries the LAN VIP only.
 * The backup then drops its own VIP for VHID 7 unless that one is marked "No XMLRPC sync" on the backup too
 * (restore_config_section_xmlrpc, as the simulated backup does it). carpgate may point wg0 at the backup's VIP only
 * when it stays; else the restore is not sent (stored, wg0 would follow no VIP of the backup). Python's
 * xmlrpc.client is the master.
 */
@EndToEnd
class RestoreWithoutTheItemsVipEndToEndTest {
    private static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    private static final String BACKUP_VIP7 = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "backup''s VIP for VHID 7 marked No XMLRPC sync: {0}")
    @ValueSource(booleans = {false, true})
    void wg0FollowsTheBackupsVipOnlyWhenTheRestoreLeavesIt(boolean nosync) throws Exception {
        SimVip vip7 = new SimVip(BACKUP_VIP7, "opt2", "WAN2", 7, "198.51.100.5", 28, "WAN2 CARP");
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                .withApiCredentials(Pair.API_KEY, Pair.API_SECRET)
                .withVips(List.of(nosync ? vip7.markedNosync() : vip7, SimulatedBackup.Options.defaults().vips().get(1))));
        try (Pair pair = Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(), "",
                SyncEndToEndTest.MAP)) {
            String answer = PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "restore-vip-left-out")
                    .get("answer").toString();
            String reason = pair.exchanges.awaitCall("the restore",
                    c -> c.method().equals("opnsense.restore_config_section")).reason();
            if (nosync) {
                assertThat(answer).isEqualTo("true");
                String dependOn = backup.wireguardInstances().get(WG0).carpDependOn();
                assertThat(backup.vips()).extracting(SimVip::uuid).as("the restore keeps it").contains(BACKUP_VIP7);
                assertThat(dependOn).isEqualTo(BACKUP_VIP7);
                assertThat(reason).doesNotContain("WARNING");
            } else {
                // Stored, the restore would drop the backup's VIP 7 and leave wg0 following no VIP: not sent.
                assertThat(answer).contains("carpgate rejected the request, nothing was sent to the backup",
                        "not marked No XMLRPC sync", BACKUP_VIP7);
                assertThat(reason).contains("not marked No XMLRPC sync");
                assertThat(backup.restoresStored()).isZero();
                assertThat(backup.vips()).extracting(SimVip::uuid).as("the backup keeps it").contains(BACKUP_VIP7);
                assertThat(backup.wireguardInstances()).doesNotContainKey(WG0);
            }

            PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "restart-wg0");
            assertThat(backup.wireguardUp()).as("wg0 is not started on the BACKUP").doesNotContain(WG0);
        }
    }
}
