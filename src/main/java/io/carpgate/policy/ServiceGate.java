package io.carpgate.policy;

import io.carpgate.carp.CarpStatus;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.CarpView.Resolved;
import io.carpgate.xmlrpc.XmlRpcValue;
import io.carpgate.xmlrpc.XmlRpcValue.Str;
import io.carpgate.xmlrpc.XmlRpcValue.Struct;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Gates {@code opnsense.start_service} and {@code opnsense.restart_service}. The backup reads
 * {@code $params['service']} and, when {@code !empty($params['id'])}, filters by id; {@code '*'} matches
 * every service name. So a WireGuard instance starts when service is {@code wireguard} or {@code *},
 * and which one depends on the id: none (empty, {@code "0"}, missing) means the first on the backup's list.
 */
final class ServiceGate {
    static final String WIREGUARD = "wireguard";
    private static final String ANY_SERVICE = "*";

    private ServiceGate() {}

    static CallDecision decide(String method, XmlRpcValue received, GateInputs in) {
        if (!(received instanceof Struct params)) {
            return Gate.refuse(method, Methods.INVALID_PARAMS,
                    method + " takes one struct {service, id}; carpgate cannot tell what the backup would start");
        }
        Optional<XmlRpcValue> service = params.get("service");
        Optional<XmlRpcValue> id = params.get("id");
        // PHP compares loosely: a boolean true equals every name, base64 decodes to a string, and so on.
        // Only plain strings are read the same way by both sides; anything else is refused.
        if (service.isEmpty() || !(service.get() instanceof Str serviceName)) {
            return Gate.refuse(method, Methods.INVALID_PARAMS, method + ": service is not a string");
        }
        if (id.isPresent() && !(id.get() instanceof Str)) {
            return Gate.refuse(method, Methods.INVALID_PARAMS, method + ": id is not a string");
        }
        String name = serviceName.text();
        String idText = id.map(v -> ((Str) v).text()).orElse("");
        CallOutcome base = new CallOutcome(method, Optional.of(name), Optional.of(idText).filter(s -> !s.isEmpty()),
                Optional.empty(), Optional.empty(), Optional.empty(), Action.FORWARDED, "");
        if (!name.equals(WIREGUARD) && !name.equals(ANY_SERVICE)) {
            return CallDecision.Pass.forwarded(base.withAction(Action.FORWARDED, "not a WireGuard start"));
        }
        List<Target> targets = phpEmpty(idText) ? everyInstance(in) : List.of(one(idText, in));
        return judge(method, name, idText, base, targets, in);
    }

    /** PHP's empty() on a string: "" and "0". */
    private static boolean phpEmpty(String text) {
        return text.isEmpty() || text.equals("0");
    }

    /** An instance the call may start, and what carpgate knows of the VHID it follows. */
    private record Target(String uuid, String name, Optional<Integer> vhid, Optional<String> iface, String unknownWhy) {
        String label() {
            if (name.isEmpty()) {
                return uuid.isEmpty() ? "(unknown)" : uuid;
            }
            return uuid.isEmpty() ? name : name + " (" + uuid + ")";
        }
    }

    private static Target one(String uuid, GateInputs in) {
        Optional<KnownInstance> known = in.book().find(uuid);
        String name = known.map(KnownInstance::name).orElse("");
        Optional<VhidHint> hint = in.hints().find(uuid, name);
        if (hint.isPresent()) {
            return new Target(uuid, name, Optional.of(hint.get().vhid()), hint.get().iface(), "");
        }
        if (known.isPresent() && known.get().vhid().isPresent()) {
            return new Target(uuid, name, known.get().vhid(), known.get().iface(), "");
        }
        String why = known.isPresent()
                ? "the VHID of instance " + name + " is not known (not in the VHID map and unresolved in the last restore)"
                : "instance " + uuid + " is not in the VHID map and has not been seen in a restore through carpgate";
        return new Target(uuid, name, Optional.empty(), Optional.empty(), why);
    }

    /** The backup starts the first WireGuard instance of its own list; carpgate cannot know which, so all count. */
    private static List<Target> everyInstance(GateInputs in) {
        Map<String, Target> targets = new LinkedHashMap<>();
        for (KnownInstance instance : in.book().all()) {
            targets.put("uuid:" + instance.uuid(), one(instance.uuid(), in));
        }
        for (VhidHint hint : in.hints().all()) {
            boolean covered = in.book().all().stream().anyMatch(i ->
                    i.uuid().equals(hint.instanceKey()) || i.name().equals(hint.instanceKey()));
            if (!covered) {
                targets.put("map:" + hint.instanceKey(),
                        new Target("", hint.instanceKey(), Optional.of(hint.vhid()), hint.iface(), ""));
            }
        }
        if (targets.isEmpty()) {
            return List.of(new Target("", "", Optional.empty(), Optional.empty(),
                    "the call names no instance and carpgate knows no WireGuard instance (VHID map empty, no restore seen)"));
        }
        return List.copyOf(targets.values());
    }

    private static CallDecision judge(String method, String service, String id, CallOutcome base,
                                      List<Target> targets, GateInputs in) {
        List<String> labels = new ArrayList<>();
        List<String> vhids = new ArrayList<>();
        List<String> states = new ArrayList<>();
        Optional<String> unknown = Optional.empty();
        Optional<String> notMaster = Optional.empty();
        for (Target target : targets) {
            labels.add(target.label());
            target.vhid().ifPresent(v -> vhids.add(String.valueOf(v)));
            if (target.vhid().isEmpty()) {
                states.add("UNKNOWN");
                unknown = unknown.or(() -> Optional.of(target.unknownWhy()));
                continue;
            }
            int vhid = target.vhid().get();
            Resolved<CarpStatus> status = in.carp() instanceof CarpView.Known known
                    ? known.statusOf(vhid, target.iface())
                    : new Resolved.No<>("backup API unavailable: " + ((CarpView.Unavailable) in.carp()).reason());
            if (status instanceof Resolved.Yes<CarpStatus> yes) {
                states.add(yes.value().name());
                if (yes.value() != CarpStatus.MASTER) {
                    notMaster = notMaster.or(() -> Optional.of("instance " + target.label() + ": the backup is "
                            + yes.value() + " for VHID " + vhid));
                }
            } else {
                String why = ((Resolved.No<CarpStatus>) status).reason();
                states.add("UNKNOWN");
                unknown = unknown.or(() -> Optional.of("instance " + target.label() + ": " + why));
            }
        }
        CallOutcome outcome = new CallOutcome(method, base.service(), base.id(),
                Optional.of(String.join(", ", labels)),
                vhids.isEmpty() ? Optional.empty() : Optional.of(String.join(",", vhids)),
                Optional.of(states.stream().distinct().collect(Collectors.joining(","))),
                Action.FORWARDED, "");
        String call = method + "(" + service + (id.isEmpty() ? "" : ", " + id) + ")";
        if (notMaster.isPresent()) {
            String reason = notMaster.get();
            return new CallDecision.Stop(outcome.withAction(Action.SUPPRESSED, reason),
                    "carpgate suppressed " + call + ": " + reason + "; WireGuard starts only where CARP is MASTER");
        }
        if (unknown.isPresent()) {
            String reason = "CARP state unknown: " + unknown.get();
            if (in.onUnknownCarp() == OnUnknownCarp.FORWARD) {
                return CallDecision.Pass.forwarded(
                        outcome.withAction(Action.FORWARDED, reason + "; forwarded because on-unknown-carp is forward"));
            }
            return new CallDecision.Stop(outcome.withAction(Action.SUPPRESSED, reason),
                    "carpgate suppressed " + call + ": " + reason);
        }
        return CallDecision.Pass.forwarded(outcome.withAction(Action.FORWARDED,
                "the backup is MASTER for VHID " + String.join(",", vhids)));
    }
}
