package io.carpgate.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpStatus;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The detector on every combination of an item (kind, gated, VHID known, interface known), the backup's CARP state
 * for its VHID (each state, or no row), its tunnel (up, down, absent), the relay's listener (running, not, not
 * said), whether the VIP's address is on a device the backup lists, and routes; against an oracle written from the
 * issue's rule, and by name for the sentences an admin reads.
 */
class ConflictDetectorTest {
    private static final String VIP7 = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static final String VIP7_ADDRESS = "198.51.100.7";

    enum Tunnel { UP, DOWN, ABSENT }

    enum Listener { RUNNING, NOT_RUNNING, NOT_SAID }

    private static CarpView.Known carp(Optional<CarpStatus> status) {
        List<VipState> states = status.map(s -> List.of(new VipState("WAN2", 7, VIP7_ADDRESS, s.name())))
                .orElse(List.of());
        return new CarpView.Known(List.of(new BackupVip(VIP7, "opt2", 7, VIP7_ADDRESS, "")), states, Instant.EPOCH);
    }

    private static String deviceOf(ItemKind kind) {
        return switch (kind) {
            case WIREGUARD -> "wg0";
            case OPENVPN -> "ovpnc1";
            case DHCRELAY -> "opt2";
        };
    }

    private static BackupNetwork network(ItemKind kind, Tunnel tunnel, Listener listener, boolean addressListed,
                                         boolean routes) {
        Map<String, Boolean> up = new java.util.HashMap<>(Map.of("vtnet1", true, "wg9", true));
        if (tunnel != Tunnel.ABSENT) {
            up.put(deviceOf(kind), tunnel == Tunnel.UP);
        }
        Map<String, String> addresses = addressListed ? Map.of(VIP7_ADDRESS, "vtnet1") : Map.of("192.0.2.1", "vtnet0");
        List<Route> table = new ArrayList<>(List.of(new Route("10.9.0.0/24", "wg9")));
        if (routes) {
            table.add(new Route("10.77.0.0/24", deviceOf(kind)));
            table.add(new Route("10.78.0.0/24", deviceOf(kind)));
            table.add(new Route("10.77.0.0/24", deviceOf(kind))); // IPv4 and a second row: named once
        }
        Optional<Set<String>> relays = switch (listener) {
            case RUNNING -> Optional.of(Set.of("vtnet1"));
            case NOT_RUNNING -> Optional.of(Set.of("vtnet0"));
            case NOT_SAID -> Optional.empty();
        };
        return new BackupNetwork(up, addresses, table, relays);
    }

    /**
     * The rule, written out from the issue without the detector's code: the item's conflict, then wg9's (up, routed,
     * claimed by no item) when the backup is MASTER for no VHID (it reports a state, and none is MASTER).
     */
    private static List<Problem> oracle(ItemKind kind, boolean gated, boolean vhidKnown, boolean deviceKnown,
                                        Optional<CarpStatus> status, Tunnel tunnel, Listener listener,
                                        boolean addressListed, boolean routesOfItem) {
        List<Problem> out = new ArrayList<>(itemOracle(kind, gated, vhidKnown, deviceKnown, status, tunnel, listener,
                addressListed));
        if (status.isPresent() && status.get() != CarpStatus.MASTER) {
            // The item's own tunnel is claimed only when carpgate knows its interface.
            if (kind != ItemKind.DHCRELAY && !deviceKnown && tunnel == Tunnel.UP && routesOfItem) {
                out.add(Problem.UNKNOWN_TUNNEL_UP_ON_BACKUP);
            }
            out.add(Problem.UNKNOWN_TUNNEL_UP_ON_BACKUP);
        }
        return out;
    }

    private static List<Problem> itemOracle(ItemKind kind, boolean gated, boolean vhidKnown, boolean deviceKnown,
                                            Optional<CarpStatus> status, Tunnel tunnel, Listener listener,
                                            boolean addressListed) {
        if (!vhidKnown || !deviceKnown || status.isEmpty()) {
            return List.of();
        }
        boolean master = status.get() == CarpStatus.MASTER;
        if ((kind == ItemKind.WIREGUARD || kind == ItemKind.OPENVPN) && gated && !master && tunnel == Tunnel.UP) {
            return List.of(Problem.UP_WHILE_NOT_MASTER);
        }
        if (kind == ItemKind.DHCRELAY && master && addressListed && listener == Listener.NOT_RUNNING) {
            return List.of(Problem.RELAY_DOWN_WHILE_MASTER);
        }
        return List.of();
    }

    @Test
    void everyCombinationAgreesWithTheRule() {
        List<Optional<CarpStatus>> statuses = new ArrayList<>();
        statuses.add(Optional.empty());
        for (CarpStatus s : CarpStatus.values()) {
            statuses.add(Optional.of(s));
        }
        int checked = 0;
        int conflicts = 0;
        for (ItemKind kind : ItemKind.values()) {
            for (boolean gated : List.of(true, false)) {
                for (boolean vhidKnown : List.of(true, false)) {
                    for (boolean deviceKnown : List.of(true, false)) {
                        for (boolean viaUuid : List.of(true, false)) {
                            for (Optional<CarpStatus> status : statuses) {
                                for (Tunnel tunnel : Tunnel.values()) {
                                    for (Listener listener : Listener.values()) {
                                        for (boolean addressListed : List.of(true, false)) {
                                            for (boolean routes : List.of(true, false)) {
                                                CarpItem item = new CarpItem(kind, "uuid-1", "item-1", gated,
                                                        vhidKnown ? Optional.of(7) : Optional.empty(),
                                                        Optional.of("opt2"),
                                                        viaUuid ? Optional.of(VIP7) : Optional.empty(), "",
                                                        Optional.empty(),
                                                        deviceKnown ? Optional.of(deviceOf(kind)) : Optional.empty());
                                                List<Conflict> found = ConflictDetector.detect(List.of(item),
                                                        carp(status), network(kind, tunnel, listener, addressListed,
                                                                routes));
                                                List<Problem> expected = oracle(kind, gated, vhidKnown, deviceKnown,
                                                        status, tunnel, listener, addressListed, routes);
                                                String what = kind + " gated=" + gated + " vhid=" + vhidKnown
                                                        + " device=" + deviceKnown + " uuid=" + viaUuid + " carp="
                                                        + status + " " + tunnel + " " + listener + " address="
                                                        + addressListed + " routes=" + routes;
                                                assertThat(found.stream().map(Conflict::problem).toList()).as(what)
                                                        .isEqualTo(expected);
                                                for (Conflict c : found) {
                                                    if (c.problem() == Problem.UNKNOWN_TUNNEL_UP_ON_BACKUP) {
                                                        assertThat(c.device()).as(what).isIn("wg9", deviceOf(kind));
                                                        assertThat(c.networks()).as(what).isEqualTo(c.device()
                                                                .equals("wg9") ? List.of("10.9.0.0/24")
                                                                : List.of("10.77.0.0/24", "10.78.0.0/24"));
                                                        continue;
                                                    }
                                                    assertThat(c.vhid()).as(what).isEqualTo(7);
                                                    assertThat(c.carpState()).as(what).isEqualTo(status.get().name());
                                                    assertThat(c.networks()).as(what).isEqualTo(
                                                            routes && c.problem() == Problem.UP_WHILE_NOT_MASTER
                                                                    ? List.of("10.77.0.0/24", "10.78.0.0/24")
                                                                    : List.of());
                                                    assertThat(c.device()).as(what).isEqualTo(
                                                            kind == ItemKind.DHCRELAY ? "vtnet1" : deviceOf(kind));
                                                }
                                                checked++;
                                                conflicts += found.size();
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(3 * 2 * 2 * 2 * 2 * 5 * 3 * 3 * 2 * 2);
        assertThat(conflicts).as("the combinations reach both conflicts").isGreaterThan(0);
    }

    @Test
    void aTunnelUpWhileBackupIsNamedWithTheNetworksItAffects() {
        CarpItem wg = new CarpItem(ItemKind.WIREGUARD, "uuid-wg", "wg-sites", true, Optional.of(7),
                Optional.of("opt2"), Optional.of(VIP7), "", Optional.empty(), Optional.of("wg0"));
        BackupNetwork net = new BackupNetwork(Map.of("wg0", true), Map.of(),
                List.of(new Route("10.77.0.0/24", "wg0")), Optional.of(Set.of()));
        List<Conflict> found = ConflictDetector.detect(List.of(wg), carp(Optional.of(CarpStatus.BACKUP)), net);

        assertThat(found).singleElement().extracting(Conflict::text).isEqualTo("wg0 (WireGuard instance wg-sites) is "
                + "UP on the backup and routes 10.77.0.0/24 into it while the backup is BACKUP for VHID 7: replies to "
                + "those networks leave through a tunnel that cannot reach its peers");
        assertThat(found.get(0).key()).isEqualTo("wireguard/uuid-wg/UP_WHILE_NOT_MASTER");
    }

    @Test
    void aLongRoutingTableIsCountedNotListed() {
        List<String> many = java.util.stream.IntStream.range(0, 20).mapToObj(i -> "10." + i + ".0.0/16").toList();
        Conflict c = new Conflict(ItemKind.WIREGUARD, "u", "wg-sites", "wg0", Problem.UP_WHILE_NOT_MASTER, 7, "BACKUP",
                many);
        assertThat(c.text()).contains("10.7.0.0/16 and 12 more into it").doesNotContain("10.8.0.0/16");
    }

    @Test
    void routesIntoATunnelKeptDownAreNoConflict() {
        // OPNsense installs an instance's peer routes even while it keeps the interface down.
        CarpItem wg = new CarpItem(ItemKind.WIREGUARD, "uuid-wg", "wg-sites", true, Optional.of(7),
                Optional.of("opt2"), Optional.of(VIP7), "", Optional.empty(), Optional.of("wg0"));
        BackupNetwork net = new BackupNetwork(Map.of("wg0", false), Map.of(),
                List.of(new Route("10.77.0.0/24", "wg0")), Optional.of(Set.of()));
        assertThat(ConflictDetector.detect(List.of(wg), carp(Optional.of(CarpStatus.BACKUP)), net)).isEmpty();
    }

    @Test
    void aRelayNotListeningWhileMasterIsNamed() {
        CarpItem relay = new CarpItem(ItemKind.DHCRELAY, "uuid-relay", "opt2", false, Optional.of(7),
                Optional.of("opt2"), Optional.of(VIP7), "", Optional.empty(), Optional.of("opt2"));
        BackupNetwork net = new BackupNetwork(Map.of("vtnet1", true), Map.of(VIP7_ADDRESS, "vtnet1"), List.of(),
                Optional.of(Set.of()));
        assertThat(ConflictDetector.detect(List.of(relay), carp(Optional.of(CarpStatus.MASTER)), net))
                .singleElement().extracting(Conflict::text).isEqualTo("DHCP relay opt2 (on vtnet1) does not run "
                        + "while the backup is MASTER for VHID 7: DHCP requests on that network go unanswered");
    }
}
