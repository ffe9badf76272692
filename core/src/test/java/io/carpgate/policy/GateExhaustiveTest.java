package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every combination of service call shape, item knowledge (learned from restores and named in the VHID map),
 * CARP view and policy, for every {@link ItemKind}, against an oracle written here from the rule in the
 * README and docs/PROTOCOL.md, independent of {@link Gate}'s code:
 * <ul>
 * <li>only a start or restart whose service is an item kind's service name or {@code *} can start an item;
 * <li>with an id, the backup starts the item with that uuid (of that kind; of any kind for {@code *}); with
 *     none ("", "0", absent) one carpgate cannot tell, so every item it knows of those kinds counts;
 * <li>WireGuard instances and OpenVPN clients wait for CARP MASTER on the VHID they follow (the VHID map's
 *     entry first, else what the restore said); OpenVPN servers and DHCP relays never wait;
 * <li>a VHID in another state suppresses; an item or VHID carpgate cannot place is unknown and follows
 *     on-unknown-carp. Inside system.multicall a suppression rejects the whole batch.
 * </ul>
 */
class GateExhaustiveTest {
    private static final String UNKNOWN_UUID = "99999999-8888-4777-8666-555555555555";
    private static final String ABSENT = "(absent)";
    private static final List<String> METHODS =
            List.of("opnsense.start_service", "opnsense.restart_service", "opnsense.stop_service");
    private static final List<String> SERVICES = List.of("wireguard", "openvpn", "dhcrelay", "*", "unbound");
    private static final List<String> STATES = List.of("MASTER", "BACKUP", "INIT");

    /** One item of the grid, as the restore described it; {@code role} matters for OpenVPN only. */
    record Item(ItemKind kind, String uuid, String name, String role, int vhid, String iface) {
        CarpItem learned() {
            boolean gated = kind == ItemKind.WIREGUARD || kind == ItemKind.OPENVPN && role.equals("client");
            return new CarpItem(kind, uuid, name, gated, gated ? Optional.of(vhid) : Optional.empty(),
                    gated ? Optional.of(iface) : Optional.empty());
        }
    }

    static final Item WG0 = new Item(ItemKind.WIREGUARD, GateTest.WG0, "wg0-branches", "", 7, "opt2");
    static final Item WG1 = new Item(ItemKind.WIREGUARD, GateTest.WG1, "wg1-lan", "", 2, "lan");
    static final Item CLIENT = new Item(ItemKind.OPENVPN, "a1a1a1a1-b2b2-4c3c-8d4d-e5e5e5e5e5e5", "branch-client",
            "client", 2, "lan");
    static final Item SERVER = new Item(ItemKind.OPENVPN, "f6f6f6f6-0707-4808-9909-101010101010", "road-warriors",
            "server", 7, "opt2");
    static final Item RELAY = new Item(ItemKind.DHCRELAY, "c3c3c3c3-d4d4-4e5e-af6f-070707070707", "lan", "", 2, "lan");
    private static final List<String> IDS = List.of(WG0.uuid(), WG1.uuid(), CLIENT.uuid(), SERVER.uuid(),
            RELAY.uuid(), "", "0", ABSENT, UNKNOWN_UUID);

    /** The VHID map: the client by name on another VHID than the restore said, the relay and wg1 by uuid. */
    static final List<VhidMapEntry> MAP = List.of(
            new VhidMapEntry(ItemKind.OPENVPN, CLIENT.name(), 7, Optional.empty(), Optional.empty(), "map:1"),
            new VhidMapEntry(ItemKind.DHCRELAY, RELAY.uuid(), 2, Optional.empty(), Optional.empty(), "map:2"),
            new VhidMapEntry(ItemKind.WIREGUARD, WG1.uuid(), 2, Optional.of("lan"), Optional.empty(), "map:3"));

    /** A CARP view by what it says of VHID 7 and VHID 2; empty = not in the backup's status. */
    record View(String name, CarpView view, Optional<String> vhid7, Optional<String> vhid2, boolean available) {}

    enum Outcome { FORWARD, SUPPRESS }

    /** An item a call may start: whether it waits for MASTER, and the VHID it follows when carpgate can place it. */
    record Affected(boolean gated, Optional<Integer> vhid) {}

    private final Calls c = new Calls();

    @Test
    void everyCombinationGetsTheOraclesVerdict() {
        int checked = 0;
        int suppressed = 0;
        Set<ItemKind> suppressedKinds = EnumSet.noneOf(ItemKind.class);
        for (String method : METHODS) {
            for (String service : SERVICES) {
                for (String id : IDS) {
                    for (List<Item> known : books()) {
                        for (List<VhidMapEntry> map : List.of(List.<VhidMapEntry>of(), MAP)) {
                            for (View view : views()) {
                                for (OnUnknownCarp policy : OnUnknownCarp.values()) {
                                    GateInputs in = new GateInputs(VhidMap.of(map),
                                            ItemBook.empty().with(known.stream().map(Item::learned).toList()),
                                            view.view(), policy);
                                    Outcome expected = oracle(method, service, id, known, map, view, policy);
                                    String what = method + " service=" + service + " id=" + id + " known="
                                            + known.stream().map(Item::name).toList() + " map=" + !map.isEmpty()
                                            + " view=" + view.name() + " on-unknown=" + policy;

                                    Verdict direct = Gate.decide(serviceCall(method, service, id), in);
                                    assertThat(direct).as(what).isInstanceOf(expected == Outcome.FORWARD
                                            ? Verdict.Forward.class : Verdict.Suppress.class);
                                    CallOutcome outcome = direct.calls().get(0);
                                    assertThat(direct.calls()).as(what).singleElement()
                                            .extracting(CallOutcome::action)
                                            .isEqualTo(expected == Outcome.FORWARD ? Action.FORWARDED : Action.SUPPRESSED);

                                    Verdict batched = Gate.decide(multicall(method, service, id), in);
                                    assertThat(batched).as("in system.multicall: " + what).isInstanceOf(
                                            expected == Outcome.FORWARD ? Verdict.Forward.class : Verdict.Reject.class);
                                    checked++;
                                    if (expected == Outcome.SUPPRESS) {
                                        suppressed++;
                                        outcome.kind().ifPresent(k -> List.of(k.split(",")).forEach(
                                                word -> suppressedKinds.add(ItemKind.byKey(word).orElseThrow())));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // The grid must reach both outcomes in bulk, and suppress starts of both gated kinds, or the oracle is not
        // being tested.
        assertThat(checked).isEqualTo(METHODS.size() * SERVICES.size() * IDS.size() * books().size() * 2
                * views().size() * OnUnknownCarp.values().length);
        assertThat(suppressed).isBetween(checked / 10, checked - checked / 10);
        assertThat(suppressedKinds).contains(ItemKind.WIREGUARD, ItemKind.OPENVPN);
    }

    /** The rule from the README and PROTOCOL.md, spelled out without looking at Gate. */
    static Outcome oracle(String method, String service, String id, List<Item> known, List<VhidMapEntry> map, View view,
                          OnUnknownCarp policy) {
        boolean starts = method.equals("opnsense.start_service") || method.equals("opnsense.restart_service");
        boolean any = service.equals("*");
        // DHCP relays keep themselves down unless MASTER: a start naming their service is never held.
        boolean gatedService = service.equals("wireguard") || service.equals("openvpn");
        if (!starts || !(any || gatedService)) {
            return Outcome.FORWARD;
        }
        List<ItemKind> kinds = any ? List.of(ItemKind.values())
                : List.of(service.equals("wireguard") ? ItemKind.WIREGUARD : ItemKind.OPENVPN);
        // Which items the backup may start; empty = an item carpgate does not know at all.
        List<Optional<Affected>> affected = new ArrayList<>();
        boolean emptyId = id.equals("") || id.equals("0") || id.equals(ABSENT);
        for (Item item : known) {
            if (kinds.contains(item.kind()) && (emptyId || item.uuid().equals(id))) {
                affected.add(Optional.of(placed(item, map)));
            }
        }
        for (VhidMapEntry entry : map) {
            boolean namesKnownItem = known.stream().anyMatch(i -> i.kind() == entry.kind()
                    && (i.uuid().equals(entry.key()) || i.name().equals(entry.key())));
            if (!kinds.contains(entry.kind()) || namesKnownItem) {
                continue;
            }
            // An entry the restores never showed: of an OpenVPN instance carpgate cannot tell the role, so it waits.
            boolean gated = entry.kind() != ItemKind.DHCRELAY;
            if (emptyId ? gated : entry.key().equals(id) && affected.isEmpty()) {
                affected.add(Optional.of(new Affected(gated, Optional.of(entry.vhid()))));
            }
        }
        if (affected.isEmpty()) {
            affected.add(Optional.empty());
        }
        boolean unknown = false;
        for (Optional<Affected> item : affected) {
            if (item.isPresent() && !item.get().gated()) {
                continue;
            }
            if (item.isEmpty() || item.get().vhid().isEmpty() || !view.available()) {
                unknown = true;
                continue;
            }
            int vhid = item.get().vhid().get();
            Optional<String> state = vhid == 7 ? view.vhid7() : view.vhid2();
            if (state.isEmpty()) {
                unknown = true;
            } else if (!state.get().equals("MASTER")) {
                return Outcome.SUPPRESS;
            }
        }
        if (unknown) {
            return policy == OnUnknownCarp.FORWARD ? Outcome.FORWARD : Outcome.SUPPRESS;
        }
        return Outcome.FORWARD;
    }

    private static Affected placed(Item item, List<VhidMapEntry> map) {
        boolean gated = item.kind() == ItemKind.WIREGUARD || item.kind() == ItemKind.OPENVPN && item.role().equals("client");
        Optional<Integer> fromMap = map.stream().filter(e -> e.kind() == item.kind() && e.key().equals(item.uuid()))
                .findFirst().or(() -> map.stream().filter(e -> e.kind() == item.kind() && e.key().equals(item.name()))
                        .findFirst())
                .map(VhidMapEntry::vhid);
        return new Affected(gated, fromMap.or(() -> Optional.of(item.vhid())));
    }

    private static List<List<Item>> books() {
        return List.of(List.of(), List.of(WG0), List.of(WG0, WG1), List.of(CLIENT), List.of(SERVER),
                List.of(CLIENT, SERVER), List.of(RELAY), List.of(WG0, WG1, CLIENT, SERVER, RELAY));
    }

    private static List<View> views() {
        List<View> views = new ArrayList<>();
        for (String s7 : STATES) {
            for (String s2 : STATES) {
                views.add(new View(s7 + "/" + s2, GateTest.view(s7, s2), Optional.of(s7), Optional.of(s2), true));
            }
        }
        for (String s7 : STATES) {
            // VHID 2 missing from the backup's status: wg1 cannot be placed.
            CarpView only7 = new CarpView.Known(
                    List.of(new BackupVip(GateTest.BACKUP_VIP7, "opt2", 7, "198.51.100.5", "WAN2 CARP")),
                    List.of(new VipState("WAN2", 7, "198.51.100.5", s7)), Instant.EPOCH);
            views.add(new View(s7 + "/-", only7, Optional.of(s7), Optional.empty(), true));
        }
        views.add(new View("API down", new CarpView.Unavailable("backup API down"), Optional.empty(),
                Optional.empty(), false));
        return views;
    }

    private MethodCall serviceCall(String method, String service, String id) {
        return c.call(method, params(service, id));
    }

    private MethodCall multicall(String method, String service, String id) {
        return c.call("system.multicall", c.array(
                c.struct("methodName", "opnsense.firmware_version", "params", c.array()),
                c.struct("methodName", method, "params", c.array(params(service, id)))));
    }

    private XmlRpcValue.Struct params(String service, String id) {
        Map<String, XmlRpcValue> members = new LinkedHashMap<>();
        members.put("service", c.str(service));
        if (!id.equals(ABSENT)) {
            members.put("id", c.str(id));
        }
        return new XmlRpcValue.Struct(members);
    }
}
