package io.carpgate.policy;

import static io.carpgate.policy.GateTest.WG0;
import static io.carpgate.policy.GateTest.WG1;
import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every combination of service call shape, instance knowledge, CARP view and policy, against an oracle
 * written here from the rule, independent of {@link Gate}'s code: a call that may start or restart
 * a WireGuard instance is forwarded only when every instance it may start is on a VHID the backup reports
 * MASTER; a VHID reported in another state suppresses; an instance or VHID carpgate cannot place is unknown
 * and follows on-unknown-carp. Inside system.multicall a suppression rejects the whole batch.
 */
class GateExhaustiveTest {
    private static final String UNKNOWN_UUID = "99999999-8888-4777-8666-555555555555";
    private static final String ABSENT = "(absent)";
    private static final List<String> METHODS =
            List.of("opnsense.start_service", "opnsense.restart_service", "opnsense.stop_service");
    private static final List<String> SERVICES = List.of("wireguard", "*", "unbound");
    private static final List<String> IDS = List.of(WG0, WG1, "", "0", ABSENT, UNKNOWN_UUID);
    private static final List<String> STATES = List.of("MASTER", "BACKUP", "INIT");

    /** A CARP view by what it says of VHID 7 (wg0) and VHID 2 (wg1); empty = not in the backup's status. */
    record View(String name, CarpView view, Optional<String> vhid7, Optional<String> vhid2, boolean available) {}

    enum Outcome { FORWARD, SUPPRESS }

    private final Calls c = new Calls();

    @Test
    void everyCombinationGetsTheOraclesVerdict() {
        int checked = 0;
        int suppressed = 0;
        for (String method : METHODS) {
            for (String service : SERVICES) {
                for (String id : IDS) {
                    for (List<KnownInstance> known : books()) {
                        for (View view : views()) {
                            for (OnUnknownCarp policy : OnUnknownCarp.values()) {
                                GateInputs in = new GateInputs(VhidHints.none(),
                                        InstanceBook.empty().with(known), view.view(), policy);
                                Outcome expected = oracle(method, service, id, known, view, policy);
                                String what = method + " service=" + service + " id=" + id + " known="
                                        + known.stream().map(KnownInstance::name).toList() + " view=" + view.name()
                                        + " on-unknown=" + policy;

                                Verdict direct = Gate.decide(serviceCall(method, service, id), in);
                                assertThat(direct).as(what).isInstanceOf(expected == Outcome.FORWARD
                                        ? Verdict.Forward.class : Verdict.Suppress.class);
                                assertThat(direct.calls()).as(what).singleElement()
                                        .extracting(CallOutcome::action)
                                        .isEqualTo(expected == Outcome.FORWARD ? Action.FORWARDED : Action.SUPPRESSED);

                                Verdict batched = Gate.decide(multicall(method, service, id), in);
                                assertThat(batched).as("in system.multicall: " + what).isInstanceOf(
                                        expected == Outcome.FORWARD ? Verdict.Forward.class : Verdict.Reject.class);
                                checked++;
                                suppressed += expected == Outcome.SUPPRESS ? 1 : 0;
                            }
                        }
                    }
                }
            }
        }
        // The grid must reach both outcomes in bulk, or the oracle is not being tested.
        assertThat(checked).isEqualTo(METHODS.size() * SERVICES.size() * IDS.size() * books().size()
                * views().size() * OnUnknownCarp.values().length);
        assertThat(suppressed).isBetween(checked / 10, checked - checked / 10);
    }

    /** The rule from the issue and PROTOCOL.md, spelled out without looking at Gate. */
    static Outcome oracle(String method, String service, String id, List<KnownInstance> known, View view,
                          OnUnknownCarp policy) {
        boolean starts = method.equals("opnsense.start_service") || method.equals("opnsense.restart_service");
        boolean mayBeWireGuard = service.equals("wireguard") || service.equals("*");
        if (!starts || !mayBeWireGuard) {
            return Outcome.FORWARD;
        }
        // Which instances the backup may start: the one with that id, or for an empty id (PHP empty():
        // "", "0", missing) its first matching service, which carpgate cannot tell, so every known one.
        List<Optional<KnownInstance>> affected = new ArrayList<>();
        boolean emptyId = id.equals("") || id.equals("0") || id.equals(ABSENT);
        if (emptyId) {
            if (known.isEmpty()) {
                affected.add(Optional.empty());
            }
            known.forEach(k -> affected.add(Optional.of(k)));
        } else {
            affected.add(known.stream().filter(k -> k.uuid().equals(id)).findFirst());
        }
        boolean unknown = false;
        for (Optional<KnownInstance> instance : affected) {
            if (instance.isEmpty() || !view.available()) {
                unknown = true;
                continue;
            }
            int vhid = instance.get().vhid().orElseThrow();
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

    private static List<List<KnownInstance>> books() {
        return List.of(List.of(), List.of(GateTest.wg0()), List.of(GateTest.wg0(), GateTest.wg1()));
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
