package io.carpgate.policy;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpStatus;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.CarpView.Resolved;
import io.carpgate.xmlrpc.XmlRpcValue;
import io.carpgate.xmlrpc.XmlRpcValue.Str;
import io.carpgate.xmlrpc.XmlRpcValue.Struct;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Gates {@code opnsense.start_service} and {@code opnsense.restart_service}. The backup reads
 * {@code $params['service']} and, when {@code !empty($params['id'])}, filters by id; {@code '*'} matches
 * every service name. So an item starts when service is its kind's {@link ItemKind#key() service name} or
 * {@code *}, and which one depends on the id: none (empty, {@code "0"}, missing) means the first on the
 * backup's list, which carpgate cannot know, so every item it knows of those kinds counts.
 */
final class ServiceGate {
    private static final String ANY_SERVICE = "*";

    private ServiceGate() {}

    static CallDecision decide(String method, XmlRpcValue received, GateInputs in) {
        if (!(received instanceof Struct params)) {
            return Gate.reject(method, Methods.INVALID_PARAMS,
                    method + " takes one struct {service, id}; carpgate cannot tell what the backup would start");
        }
        Optional<XmlRpcValue> service = params.get("service");
        Optional<XmlRpcValue> id = params.get("id");
        // PHP compares loosely: a boolean true equals every name, base64 decodes to a string, and so on.
        // Only plain strings are read the same way by both sides; anything else is rejected.
        if (service.isEmpty() || !(service.get() instanceof Str serviceName)) {
            return Gate.reject(method, Methods.INVALID_PARAMS, method + ": service is not a string");
        }
        if (id.isPresent() && !(id.get() instanceof Str)) {
            return Gate.reject(method, Methods.INVALID_PARAMS, method + ": id is not a string");
        }
        String name = serviceName.text();
        String idText = id.map(v -> ((Str) v).text()).orElse("");
        // Service names are never numeric strings, so PHP's == is plain equality here (PROTOCOL.md).
        Optional<ItemKind> named = ItemKind.byKey(name);
        boolean any = name.equals(ANY_SERVICE);
        CallOutcome base = new CallOutcome(method, Optional.of(name), Optional.of(idText).filter(s -> !s.isEmpty()),
                named.map(ItemKind::key), Optional.empty(), Optional.empty(), Optional.empty(), Action.FORWARDED, "");
        if (!any && named.isEmpty()) {
            return CallDecision.Forward.unchanged(base.withAction(Action.FORWARDED, "not a start carpgate gates"));
        }
        if (named.isPresent() && !named.get().startsGated()) {
            // Named as a gated start is: by its name when carpgate has seen it, else by its id, else as the first.
            String item = phpEmpty(idText) ? "(the backup's first " + named.get().label() + ")"
                    : in.book().find(named.get(), idText).map(CarpItem::shownName).orElse(idText);
            CallOutcome relay = new CallOutcome(method, base.service(), base.id(), base.kind(), Optional.of(item),
                    Optional.empty(), Optional.empty(), Action.FORWARDED, "");
            return CallDecision.Forward.unchanged(relay.withAction(Action.FORWARDED,
                    "not gated: " + named.get().startsPassBecause().orElseThrow()));
        }
        List<ItemKind> reach = any ? List.of(ItemKind.values()) : List.of(named.get());
        List<Target> targets = phpEmpty(idText) ? every(reach, in) : byId(reach, idText, in);
        return judge(method, name, idText, base, targets, in);
    }

    /** PHP's empty() on a string: "" and "0". */
    private static boolean phpEmpty(String text) {
        return text.isEmpty() || text.equals("0");
    }

    /**
     * An item the call may start, and what carpgate knows of the VHID it follows. Not {@code gated}: its start
     * may pass whatever CARP says ({@code passWhy}). Gated with no VHID: {@code unknownWhy} says why.
     */
    private record Target(Optional<ItemKind> kind, String uuid, String name, boolean gated, Optional<Integer> vhid,
                          Optional<String> iface, String unknownWhy, String passWhy, String basis) {
        String label() {
            if (name.isEmpty()) {
                return uuid.isEmpty() ? "(unknown)" : uuid;
            }
            return uuid.isEmpty() ? name : name + " (" + uuid + ")";
        }

        String described() {
            return kind.map(k -> k.label() + " ").orElse("") + label();
        }
    }

    /** An id names at most one item per kind (uuids are unique); each that carpgate knows of counts. */
    private static List<Target> byId(List<ItemKind> reach, String uuid, GateInputs in) {
        List<Target> targets = new ArrayList<>();
        for (CarpItem item : in.book().find(reach, uuid)) {
            targets.add(target(item, in));
        }
        if (!targets.isEmpty()) {
            return targets;
        }
        for (ItemKind kind : reach) {
            Optional<VhidMapEntry> mapped = in.vhidMap().find(kind, uuid, "");
            if (mapped.isPresent()) {
                return List.of(fromMap(mapped.get(), uuid));
            }
        }
        Optional<ItemKind> only = reach.size() == 1 ? Optional.of(reach.get(0)) : Optional.empty();
        return List.of(new Target(only, uuid, "", true, Optional.empty(), Optional.empty(),
                only.map(k -> k.label()).orElse("item") + " " + uuid
                        + " is not in the VHID map by uuid and has not been seen in a restore through carpgate (a map "
                        + "entry by name applies once a restore has told carpgate the item's name)", "", ""));
    }

    private static Target target(CarpItem item, GateInputs in) {
        Optional<ItemKind> kind = Optional.of(item.kind());
        if (!item.gated()) {
            return new Target(kind, item.uuid(), item.name(), false, Optional.empty(), Optional.empty(), "",
                    item.kind().startsPassBecause().orElse("the backup ignores its carp_depend_on, as the last "
                            + "restore showed (an OpenVPN server)"), "");
        }
        // What a restore the backup stored left there is what the backup follows, whatever the VHID map says now: a
        // map entry added or changed since applies to the item's next restore (which carpgate then rewrites by it),
        // not to what the backup already holds. Only an item not known from a stored restore goes by the map.
        Optional<VhidMapEntry> mapped = item.learnedAt().isPresent() ? Optional.empty()
                : in.vhidMap().find(item.kind(), item.uuid(), item.name());
        if (mapped.isPresent()) {
            return new Target(kind, item.uuid(), item.name(), true, Optional.of(mapped.get().vhid()), mapped.get().iface(),
                    "", "", mapBasis(mapped.get()));
        }
        String learned = item.basis().isEmpty() ? "the last restore" : item.basis()
                + item.learnedAt().map(at -> ", as of " + at).orElse("");
        if (item.learnedAt().isPresent() && item.vip().isPresent() && in.carp() instanceof CarpView.Known known) {
            return followed(item, item.vip().get(), learned, known);
        }
        if (item.vhid().isPresent()) {
            return new Target(kind, item.uuid(), item.name(), true, item.vhid(), item.iface(), "", "", learned);
        }
        return new Target(kind, item.uuid(), item.name(), true, Optional.empty(), Optional.empty(),
                "the VHID of " + item.kind().label() + " " + item.shownName() + " is not known ("
                        + (item.basis().isEmpty() ? "not in the VHID map; unresolved in the last restore" : learned)
                        + (item.learnedAt().isPresent() ? "; a sync puts it right" : "") + ")", "", "");
    }

    /**
     * The item as the backup's VIP it follows says now. A stored restore told carpgate which VIP that is (by uuid),
     * but a later restore of VIPs alone (the item's own section not synced) may have given that VIP another VHID or
     * interface, or dropped it: the backup's item still follows the uuid, so the VIP's VHID now is what counts, and an
     * item following a VIP the backup does not have is brought up by the backup's own CARP hooks whatever CARP says.
     */
    private static Target followed(CarpItem item, String vipUuid, String learned, CarpView.Known known) {
        Optional<ItemKind> kind = Optional.of(item.kind());
        Optional<BackupVip> vip = known.vip(vipUuid);
        if (vip.isEmpty()) {
            // Decided on the VHID it was learned with, as before; the reason says what the backup's hooks will do.
            String gone = "it follows VIP " + vipUuid + ", which the backup does not have now (a restore of VIPs "
                    + "without the item's section dropped it, or it was removed there), so the backup's own CARP hooks "
                    + "bring it up whatever CARP says; sync the item's section with the VIPs";
            return new Target(kind, item.uuid(), item.name(), true, item.vhid(), item.iface(),
                    "the VHID of " + item.kind().label() + " " + item.shownName() + " is not known (" + learned + "); "
                            + gone, "", learned + "; " + gone);
        }
        BackupVip now = vip.get();
        String basis = item.vhid().equals(Optional.of(now.vhid())) ? learned
                : "VHID " + now.vhid() + " of the VIP it follows on the backup now, " + vipUuid + " (" + learned
                        + " said VHID " + item.vhid().map(String::valueOf).orElse("unknown") + ")";
        return new Target(kind, item.uuid(), item.name(), true, Optional.of(now.vhid()), Optional.of(now.iface()), "",
                "", basis);
    }

    private static String mapBasis(VhidMapEntry mapped) {
        return "VHID " + mapped.vhid() + " from the VHID map" + (mapped.origin().isEmpty() ? "" : ", " + mapped.origin());
    }

    private static Target fromMap(VhidMapEntry mapped, String uuid) {
        return new Target(Optional.of(mapped.kind()), uuid, uuid.equals(mapped.key()) ? "" : mapped.key(),
                mapped.kind().startsGated(), Optional.of(mapped.vhid()), mapped.iface(), "",
                mapped.kind().startsPassBecause().orElse(""), mapBasis(mapped));
    }

    /** The backup starts the first matching service of its own list; carpgate cannot know which, so all count. */
    private static List<Target> every(List<ItemKind> reach, GateInputs in) {
        Map<String, Target> targets = new LinkedHashMap<>();
        List<CarpItem> known = in.book().all().stream().filter(i -> reach.contains(i.kind()))
                .sorted(Comparator.comparing(CarpItem::kind)).toList();
        for (CarpItem item : known) {
            targets.put(item.kind().key() + "/uuid:" + item.uuid(), target(item, in));
        }
        for (VhidMapEntry mapped : in.vhidMap().all()) {
            boolean covered = known.stream().anyMatch(mapped::names);
            if (reach.contains(mapped.kind()) && mapped.kind().startsGated() && !covered) {
                targets.put(mapped.kind().key() + "/map:" + mapped.key(), fromMap(mapped, ""));
            }
        }
        if (targets.isEmpty()) {
            String kinds = reach.stream().map(ItemKind::label).collect(Collectors.joining(", "));
            return List.of(new Target(reach.size() == 1 ? Optional.of(reach.get(0)) : Optional.empty(), "", "", true,
                    Optional.empty(), Optional.empty(), "the call names no item and carpgate knows no " + kinds
                    + " (VHID map empty, no restore seen)", "", ""));
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
        Optional<String> passed = Optional.empty();
        List<String> bases = new ArrayList<>();
        for (Target target : targets) {
            labels.add(target.label());
            // An OpenVPN server passes, but whether it is still a server is what a restore not yet settled (or one in
            // the same multicall) may change: of a kind whose starts can be gated, none passes on its role then.
            boolean roleMayChange = in.unsettled().isPresent() && target.kind().map(ItemKind::startsGated).orElse(true);
            if (!target.gated() && !roleMayChange) {
                passed = passed.or(() -> Optional.of(target.described() + " is not gated: " + target.passWhy()));
                continue;
            }
            target.vhid().ifPresent(v -> vhids.add(String.valueOf(v)));
            if (in.unsettled().isPresent()) {
                // What carpgate knows of this item may be about to change on the backup: no VHID is trusted.
                states.add("UNKNOWN");
                unknown = unknown.or(() -> Optional.of(target.described() + ": " + in.unsettled().get()));
                continue;
            }
            if (!target.basis().isEmpty() && !bases.contains(target.basis())) {
                bases.add(target.basis());
            }
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
                    notMaster = notMaster.or(() -> Optional.of(target.described() + ": the backup is "
                            + yes.value() + " for VHID " + vhid));
                }
            } else {
                String why = ((Resolved.No<CarpStatus>) status).reason();
                states.add("UNKNOWN");
                unknown = unknown.or(() -> Optional.of(target.described() + ": " + why));
            }
        }
        String kinds = Arrays.stream(ItemKind.values())
                .filter(k -> targets.stream().anyMatch(t -> t.kind().equals(Optional.of(k))))
                .map(ItemKind::key).collect(Collectors.joining(","));
        CallOutcome outcome = new CallOutcome(method, base.service(), base.id(),
                kinds.isEmpty() ? base.kind() : Optional.of(kinds),
                Optional.of(String.join(", ", labels)),
                vhids.isEmpty() ? Optional.empty() : Optional.of(String.join(",", vhids)),
                states.isEmpty() ? Optional.empty()
                        : Optional.of(states.stream().distinct().collect(Collectors.joining(","))),
                Action.FORWARDED, "");
        String call = method + "(" + service + (id.isEmpty() ? "" : ", " + id) + ")";
        if (notMaster.isPresent()) {
            String reason = notMaster.get();
            return new CallDecision.Suppress(outcome.withAction(Action.SUPPRESSED, reason),
                    call + ": " + reason + "; it starts only where CARP is MASTER");
        }
        if (unknown.isPresent()) {
            String reason = "CARP state unknown: " + unknown.get();
            if (in.onUnknownCarp() == OnUnknownCarp.FORWARD) {
                return CallDecision.Forward.unchanged(
                        outcome.withAction(Action.FORWARDED, reason + "; forwarded because on-unknown-carp is forward"));
            }
            return new CallDecision.Suppress(outcome.withAction(Action.SUPPRESSED, reason),
                    call + ": " + reason);
        }
        if (vhids.isEmpty()) {
            return CallDecision.Forward.unchanged(outcome.withAction(Action.FORWARDED, passed.orElse("not gated")));
        }
        return CallDecision.Forward.unchanged(outcome.withAction(Action.FORWARDED,
                "the backup is MASTER for VHID " + String.join(",", vhids)
                        + (bases.isEmpty() ? "" : " (" + String.join("; ", bases) + ")")));
    }
}
