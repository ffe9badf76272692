package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.watch.BackupNetwork;
import io.carpgate.watch.ConflictDetector;
import io.carpgate.watch.Route;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * After a restore of VIPs alone gave the VIP wg0 follows (by uuid) another VHID, the gate decides wg0's starts
 * on the VHID that VIP has now (ServiceGate.followed), and the watch judged wg0 on the VHID it was learned with
 * (item.vhid()). The master moved its WAN2 CARP VIP U from VHID 7 to VHID 8 and made another VIP
 * V VHID 7 on the same interface. The backup is MASTER for 8 (U) and BACKUP for 7 (V): wg0, following U, is rightly
 * up — the gate let its restart through — and the watch named it a black hole. Both now go by the VIP it follows.
 */
class GateAndWatchAgreeTest {
    private static final String U = GateTest.BACKUP_VIP7;
    private static final String V = "77777777-6666-4555-8444-333333333333";
    private final Calls c = new Calls();

    @Test
    void theWatchJudgesAnItemOnTheVhidTheGateDecidesItsStartsOn() {
        CarpItem wg0 = new CarpItem(ItemKind.WIREGUARD, GateTest.WG0, "wg0-branches", true, Optional.of(7),
                Optional.of("opt2"), Optional.of(U), "VHID 7 of the VIP in the restore",
                Optional.of(Instant.parse("2026-08-01T00:00:00Z")), Optional.of("wg0"));
        CarpView.Known now = new CarpView.Known(
                List.of(new BackupVip(U, "opt2", 8, "198.51.100.8", "WAN2 CARP"),
                        new BackupVip(V, "opt2", 7, "198.51.100.7", "WAN2 other")),
                List.of(new VipState("WAN2", 8, "198.51.100.8", "MASTER"),
                        new VipState("WAN2", 7, "198.51.100.7", "BACKUP")), Instant.EPOCH);

        Verdict start = Gate.decide(c.service("opnsense.restart_service", "wireguard", GateTest.WG0),
                GateTest.inputs(GateTest.book(wg0), now));
        assertThat(start).as("the gate: MASTER for VHID 8, the VHID of U now").isInstanceOf(Verdict.Forward.class);

        BackupNetwork network = new BackupNetwork(Map.of("wg0", true), Map.of(),
                List.of(new Route("10.77.0.0/24", "wg0")), Optional.of(Set.of()));
        assertThat(ConflictDetector.detect(List.of(wg0), now, network))
                .as("wg0 follows U, for which the backup is MASTER: up is right, yet the watch says: %s",
                        ConflictDetector.detect(List.of(wg0), now, network))
                .isEmpty();
    }
}
