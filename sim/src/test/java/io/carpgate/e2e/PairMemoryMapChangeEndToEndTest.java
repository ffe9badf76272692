package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import io.carpgate.runtime.Carpgate;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import io.carpgate.sim.WireguardStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by {@link PairMemoryModelTest} (seeds 204 and 505): a VHID map entry added by a reload is used for the
 * next start at once, while the backup still stores the {@code carp_depend_on} of the last restore, which was
 * stored before the entry existed (left as sent: a master VIP the backup does not have). The backup then starts
 * an instance whose dependency it cannot resolve: it comes up, and its CARP hooks will not take it down on a
 * demotion. The entry can only be true of what the backup stores once a restore has been rewritten under it.
 */
@EndToEnd
class PairMemoryMapChangeEndToEndTest {
    static final String WG0 = PairMemoryEndToEndTest.WG0;

    @TempDir
    Path dir;
    Pair pair;

    @AfterEach
    void stop() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

    private String master(String scenario) throws Exception {
        return PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, scenario).get("answer").toString();
    }

    private CallOutcome restartWg0() throws Exception {
        int before = restartDecisions().size();
        master("restart-wg0");
        Awaitility.await("decision on the restart").atMost(ExchangeRecorder.DEADLINE)
                .pollInterval(Duration.ofMillis(10)).until(() -> restartDecisions().size() > before);
        return restartDecisions().get(before);
    }

    private List<CallOutcome> restartDecisions() {
        return pair.exchanges.calls().stream()
                .filter(c -> c.method().equals("opnsense.restart_service") && c.id().equals(Optional.of(WG0))).toList();
    }

    @Test
    void aRestoreMovingAnInstanceToAnUnsyncedVipIsRejectedUntilAMapEntryAddedByAReloadPlacesIt() throws Exception {
        pair = Pair.start(dir, "", "wireguard: {}\n");
        assertThat(master("restore")).isEqualTo("true");
        pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        assertThat(restartWg0().action()).isEqualTo(Action.FORWARDED);
        String before = pair.backup.wireguardInstances().get(WG0).carpDependOn();

        // The master moves wg0 to a VIP it does not sync: stored, the backup would hold a dependency on a VIP it
        // does not have, and its CARP hooks would bring wg0 up as BACKUP. Not sent; the backup keeps what it had.
        assertThat(master("restore-moved")).contains("carpgate rejected the request, nothing was sent to the backup",
                "0badc0de-0000-4000-8000-00000000beef", "name its VHID in the VHID map");
        assertThat(pair.backup.wireguardInstances().get(WG0).carpDependOn()).isEqualTo(before);
        assertThat(restartWg0().action()).as("decided on what the backup still stores").isEqualTo(Action.FORWARDED);

        // The admin follows the advice and names the instance in the VHID map: the next restore is rewritten under
        // the entry, and the backup's dependency is its VHID 7 VIP.
        Files.writeString(dir.resolve("vhid-map.yml"), "wireguard:\n  wg0-branches: {vhid: 7, interface: opt2}\n");
        assertThat(pair.carpgate.reload(Map.of())).isInstanceOf(Carpgate.ReloadResult.Applied.class);
        assertThat(master("restore-moved")).isEqualTo("true");
        assertThat(pair.backup.vips()).extracting(io.carpgate.sim.SimVip::uuid)
                .contains(pair.backup.wireguardInstances().get(WG0).carpDependOn());
        CallOutcome after = restartWg0();
        assertThat(after.action()).isEqualTo(Action.FORWARDED);
        assertThat(pair.backup.wireguardStarts()).last().satisfies(s -> {
            assertThat(s.onMaster()).isTrue();
            assertThat(s.vhid()).contains(7);
        });
    }
}
