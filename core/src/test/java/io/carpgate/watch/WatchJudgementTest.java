package io.carpgate.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpStatus;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the watch says, each against what OPNsense's own code does (see each test's comment), where it said the wrong
 * thing before: a DHCPv6 relay or a relay following another interface's VIP called down, a standing black hole called
 * cleared, a failover's first seconds announced, a tunnel nobody claims not named.
 */
class WatchJudgementTest {
    private static final String VIP7 = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static final String VIP7_ADDRESS = "198.51.100.7";
    private static final String VIP2 = "0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f";
    private static final String VIP2_ADDRESS = "192.0.2.1";

    private static CarpView.Known carp(CarpStatus on7, CarpStatus on2) {
        return new CarpView.Known(List.of(new BackupVip(VIP7, "opt2", 7, VIP7_ADDRESS, ""),
                new BackupVip(VIP2, "lan", 2, VIP2_ADDRESS, "")),
                List.of(new VipState("WAN2", 7, VIP7_ADDRESS, on7.name()),
                        new VipState("LAN", 2, VIP2_ADDRESS, on2.name())), Instant.EPOCH);
    }

    private static final CarpItem WG = new CarpItem(ItemKind.WIREGUARD, "uuid-wg", "wg-sites", true, Optional.of(7),
            Optional.of("opt2"), Optional.of(VIP7), "", Optional.empty(), Optional.of("wg0"));

    /** netstat -B --libxo json as OPNsense's get_bpf_statistics returns it, with one entry. */
    private static byte[] bpf(String process, String device) {
        return ("{\"bpf-statistics\":{\"bpf-entry\":[{\"pid\":4100,\"interface-name\":\"" + device
                + "\",\"received-packets\":12,\"dropped-packets\":0,\"process\":\"" + process + "\"}]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * dhcrelay.inc, dhcrelay_configure_id(): a relay whose destination server is IPv6 runs
     * {@code /usr/local/sbin/dhcrelay6} (the OpenBSD-derived port in Mk/version.mk), so its process is
     * "dhcrelay6", never "dhcrelay": the watch called every running DHCPv6 relay down while MASTER.
     */
    @Test
    void aRunningDhcpv6RelayIsNotCalledDownWhileMaster() throws Exception {
        CarpItem relay = new CarpItem(ItemKind.DHCRELAY, "uuid-relay6", "lan", false, Optional.of(2),
                Optional.of("lan"), Optional.of(VIP2), "", Optional.empty(), Optional.of("lan"));
        Set<String> listening = new WatchJson().relayDevices(bpf("dhcrelay6", "vtnet0"));
        BackupNetwork net = new BackupNetwork(Map.of("vtnet0", true), Map.of(VIP2_ADDRESS, "vtnet0"), List.of(),
                Optional.of(listening));

        assertThat(ConflictDetector.detect(List.of(relay), carp(CarpStatus.BACKUP, CarpStatus.MASTER), net))
                .as("the DHCPv6 relay runs on vtnet0").isEmpty();
    }

    /**
     * DHCRelay.xml: a relay's carp_depend_on is any CARP VIP (VirtualIPField type carp), not one on the relay's own
     * interface; dhcrelay_configure_id() runs it on get_real_interface(relay.interface). The detector looked for the
     * listener on the device of the VIP's address instead: a relay on LAN that follows the WAN2 VIP ran, and was
     * named as not running.
     */
    @Test
    void aRelayFollowingAVipOnAnotherInterfaceIsJudgedOnItsOwnInterface() throws Exception {
        CarpItem relay = new CarpItem(ItemKind.DHCRELAY, "uuid-relay", "lan", false, Optional.of(7),
                Optional.of("opt2"), Optional.of(VIP7), "", Optional.empty(), Optional.of("lan"));
        Set<String> listening = new WatchJson().relayDevices(bpf("dhcrelay", "vtnet0"));
        BackupNetwork net = new BackupNetwork(Map.of("vtnet0", true, "vtnet1", true),
                Map.of(VIP2_ADDRESS, "vtnet0", VIP7_ADDRESS, "vtnet1"), List.of(), Optional.of(listening));

        assertThat(ConflictDetector.detect(List.of(relay), carp(CarpStatus.MASTER, CarpStatus.MASTER), net))
                .as("the relay listens on vtnet0 (lan), where it serves").isEmpty();
    }

    /**
     * A restore whose answer was lost puts the item in doubt (CarpItem.inDoubt: VHID unknown). Nothing changed on the
     * backup: wg0 is still UP with its routes while BACKUP. The book cleared the conflict and BackupWatch logged
     * "conflict on the backup cleared": an all-clear for a black hole that stands.
     */
    @Test
    void aStandingBlackHoleIsNotClearedBecauseCarpgateLostTheItemsVhid() {
        BackupNetwork net = new BackupNetwork(Map.of("wg0", true), Map.of(),
                List.of(new Route("10.77.0.0/24", "wg0")), Optional.of(Set.of()));
        CarpView.Known backup = carp(CarpStatus.BACKUP, CarpStatus.BACKUP);
        WatchBook book = new WatchBook();
        book.found(ConflictDetector.judge(List.of(WG), backup, net), Instant.EPOCH);
        assertThat(book.found(ConflictDetector.judge(List.of(WG), backup, net), Instant.EPOCH.plusSeconds(5))
                .appeared()).hasSize(1);

        CarpItem inDoubt = WG.inDoubt(Instant.EPOCH.plusSeconds(30), "the answer to a restore was lost");
        WatchBook.Change next = book.found(ConflictDetector.judge(List.of(inDoubt), backup, net),
                Instant.EPOCH.plusSeconds(60));

        assertThat(next.cleared()).as("wg0 is still up with its routes while BACKUP").isEmpty();
    }

    /**
     * A CARP change runs the backup's hooks (rc.syshook.d/carp/20-wireguard: configctl wireguard configure VHID@IF,
     * a PHP run via configd taking seconds). A read that lands between the state change and the hook sees BACKUP with
     * wg0 still UP: one read was enough for a WARNING, the metric at 1 and a red row, cleared a read later. A conflict
     * is announced only once a second read confirms it.
     */
    @Test
    void aConflictSeenByOneReadRightAfterTheVhidWentBackupIsNotAnnouncedYet() {
        BackupNetwork net = new BackupNetwork(Map.of("wg0", true), Map.of(),
                List.of(new Route("10.77.0.0/24", "wg0")), Optional.of(Set.of()));
        WatchBook book = new WatchBook();
        assertThat(book.found(ConflictDetector.detect(List.of(WG), carp(CarpStatus.MASTER, CarpStatus.BACKUP), net),
                Instant.EPOCH).none()).isTrue();

        WatchBook.Change failover = book.found(ConflictDetector.detect(List.of(WG),
                carp(CarpStatus.BACKUP, CarpStatus.BACKUP), net), Instant.EPOCH.plusSeconds(5));

        assertThat(failover.appeared()).as("seen once, in the seconds the backup's CARP hook takes").isEmpty();
        assertThat(failover.unconfirmed()).as("the next read is to confirm it").isTrue();
    }

    /**
     * The black hole whatever caused it: wg0 is UP with routes on a backup that is MASTER for no VHID, and carpgate
     * knows no item with that interface (configured on the backup, or synced before carpgate was in the path).
     */
    @Test
    void aTunnelNobodyClaimsUpOnABackupMasterForNoVhidIsNamed() {
        BackupNetwork net = new BackupNetwork(Map.of("wg0", true, "ovpnc3", true, "vtnet0", true), Map.of(),
                List.of(new Route("10.77.0.0/24", "wg0")), Optional.of(Set.of()));
        assertThat(ConflictDetector.detect(List.of(), carp(CarpStatus.BACKUP, CarpStatus.BACKUP), net))
                .singleElement().satisfies(c -> {
                    assertThat(c.problem()).isEqualTo(Problem.UNKNOWN_TUNNEL_UP_ON_BACKUP);
                    assertThat(c.device()).isEqualTo("wg0");
                    assertThat(c.text()).contains("wg0", "10.77.0.0/24", "MASTER for no VHID");
                });
    }

    /** On a backup MASTER for some VHID the tunnel may follow that one: carpgate cannot tell without the item. */
    @Test
    void aTunnelNobodyClaimsOnABackupMasterForSomeVhidIsNotGuessedAt() {
        BackupNetwork net = new BackupNetwork(Map.of("wg1", true), Map.of(), List.of(new Route("10.78.0.0/24", "wg1")),
                Optional.of(Set.of()));
        assertThat(ConflictDetector.detect(List.of(), carp(CarpStatus.MASTER, CarpStatus.BACKUP), net)).isEmpty();
        assertThat(ConflictDetector.detect(List.of(WG.withDevice(Optional.of("wg1"))),
                carp(CarpStatus.BACKUP, CarpStatus.BACKUP), net)).as("claimed by a known item: judged as that item")
                .singleElement().extracting(Conflict::problem).isEqualTo(Problem.UP_WHILE_NOT_MASTER);
    }

    /** The backup's list is its own to choose: a few named, whatever it lists. */
    @Test
    void tunnelsNobodyClaimsAreNamedAFewAtMost() {
        Map<String, Boolean> up = new java.util.HashMap<>();
        List<Route> routes = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            up.put("wg" + i, true);
            routes.add(new Route("10.1." + (i % 250) + ".0/24", "wg" + i));
        }
        BackupNetwork net = new BackupNetwork(up, Map.of(), routes, Optional.of(Set.of()));
        assertThat(ConflictDetector.detect(List.of(), carp(CarpStatus.BACKUP, CarpStatus.BACKUP), net))
                .hasSize(ConflictDetector.UNKNOWN_TUNNELS_SHOWN);
    }
}
