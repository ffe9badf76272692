package io.carpgate.policy;

import io.carpgate.carp.CarpView;
import io.carpgate.carp.CarpView.Resolved;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.XmlRpcValue;
import io.carpgate.xmlrpc.XmlRpcValue.Str;
import io.carpgate.xmlrpc.XmlRpcValue.Struct;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Points each WireGuard instance's {@code carp_depend_on} in a restore at the VIP the backup will have for
 * the instance's VHID once this restore is stored, so the backup's own CARP logic keeps the tunnel down
 * while it is BACKUP.
 *
 * <p>Which uuid that is: the backup's restore replaces its synced CARP VIPs with the ones in the payload,
 * uuids included. So a VIP for the VHID that arrives in the same call keeps the master's uuid on the backup
 * and must be named as is; pointing at the backup's current uuid would leave a dangling reference — the
 * very black hole carpgate exists to prevent. Only when the payload has no VIP for the VHID (VIP sync off,
 * or the VIP marked "No XMLRPC sync") is the backup's own VIP, from its API, the right one. An admin's
 * {@code backup-vip} in the VHID map overrides both.
 */
final class WireGuardRewrite {
    private WireGuardRewrite() {}

    static CallDecision decide(Struct sections, GateInputs in) {
        List<XmlRpcValue> servers = sections.struct("OPNsense")
                .flatMap(o -> o.struct("wireguard"))
                .flatMap(w -> w.struct("server"))
                .flatMap(s -> s.struct("servers"))
                .flatMap(s -> s.get("server"))
                .map(XmlRpcValue::oneOrMany).orElse(List.of());
        if (servers.isEmpty()) {
            return CallDecision.Pass.forwarded(CallOutcome.plain(Methods.RESTORE, Action.FORWARDED,
                    "no WireGuard instances in this restore"));
        }
        List<PayloadVip> payloadVips = PayloadVip.in(sections);
        List<SlotChange> changes = new ArrayList<>();
        List<KnownInstance> learned = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> vhids = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (XmlRpcValue server : servers) {
            if (!(server instanceof Struct instance)) {
                notes.add("a WireGuard server entry is not a struct; left as sent");
                continue;
            }
            InstanceResult result = instance(instance, payloadVips, in);
            names.add(result.known().name().isEmpty() ? result.known().uuid() : result.known().name());
            result.known().vhid().ifPresent(v -> vhids.add(String.valueOf(v)));
            result.change().ifPresent(changes::add);
            learned.add(result.known());
            notes.add(result.note());
        }
        Action action = changes.isEmpty() ? Action.FORWARDED : Action.REWRITTEN;
        CallOutcome outcome = new CallOutcome(Methods.RESTORE, Optional.empty(), Optional.empty(),
                Optional.of(String.join(", ", names)),
                vhids.isEmpty() ? Optional.empty() : Optional.of(String.join(",", vhids)),
                Optional.empty(), action, String.join("; ", notes));
        return new CallDecision.Pass(outcome, changes, learned);
    }

    private record InstanceResult(KnownInstance known, Optional<SlotChange> change, String note) {}

    private record Follow(int vhid, Optional<String> iface, String source) {}

    private static InstanceResult instance(Struct instance, List<PayloadVip> payloadVips, GateInputs in) {
        String uuid = PayloadVip.uuidOf(instance);
        String name = PayloadVip.text(instance, "name");
        String label = name.isEmpty() ? uuid : name;
        Optional<XmlRpcValue> dependOn = instance.get("carp_depend_on");
        String masterVip = dependOn.filter(Str.class::isInstance).map(v -> ((Str) v).text()).orElse("");
        Optional<VhidHint> hint = in.hints().find(uuid, name);

        Optional<Follow> follow = hint.map(h -> new Follow(h.vhid(), h.iface(), "VHID map"))
                .or(() -> payloadVips.stream().filter(v -> !masterVip.isEmpty() && v.uuid().equals(masterVip))
                        .findFirst().map(v -> new Follow(v.vhid(), Optional.of(v.iface()), "the master's VIP")));
        if (follow.isEmpty()) {
            String why = masterVip.isEmpty()
                    ? "has no CARP dependency on the master and is not in the VHID map"
                    : "depends on VIP " + masterVip + " which is neither in this sync nor in the VHID map";
            return new InstanceResult(new KnownInstance(uuid, name, Optional.empty(), Optional.empty()),
                    Optional.empty(), "WARNING instance " + label + " " + why + ": VHID unknown, left as sent");
        }
        Follow f = follow.get();
        KnownInstance known = new KnownInstance(uuid, name, Optional.of(f.vhid()), f.iface());
        Resolved<String> target = targetVip(f, hint, payloadVips, in.carp());
        if (target instanceof Resolved.No<String> no) {
            return new InstanceResult(known, Optional.empty(), "WARNING instance " + label + " (VHID " + f.vhid()
                    + " from " + f.source() + "): " + no.reason() + "; left as sent");
        }
        String backupVip = ((Resolved.Yes<String>) target).value();
        if (!BodyPatcher.canWrite(backupVip)) {
            // E.g. a VIP uuid spelled with &#13;: no in-place text reads back as that string on the backup.
            return new InstanceResult(known, Optional.empty(), "WARNING instance " + label + " (VHID " + f.vhid()
                    + " from " + f.source() + "): the VIP uuid it should follow has a character that cannot be "
                    + "written into the body; left as sent, its CARP dependency may not resolve on the backup");
        }
        if (dependOn.isEmpty() || !(dependOn.get() instanceof Str str)) {
            return new InstanceResult(known, Optional.empty(), "WARNING instance " + label
                    + ": carp_depend_on is missing or not a string and cannot be set in place; left as sent");
        }
        if (str.text().equals(backupVip)) {
            return new InstanceResult(known, Optional.empty(), "instance " + label + " already follows VIP "
                    + backupVip + " (VHID " + f.vhid() + ")");
        }
        return new InstanceResult(known, Optional.of(new SlotChange(str.slot(), backupVip)), "instance " + label
                + ": carp_depend_on " + (masterVip.isEmpty() ? "(none)" : masterVip) + " -> " + backupVip
                + " (VHID " + f.vhid() + " from " + f.source() + ")");
    }

    private static Resolved<String> targetVip(Follow follow, Optional<VhidHint> hint, List<PayloadVip> payloadVips,
                                              CarpView carp) {
        if (hint.isPresent() && hint.get().backupVip().isPresent()) {
            return new Resolved.Yes<>(hint.get().backupVip().get());
        }
        List<PayloadVip> arriving = payloadVips.stream()
                .filter(v -> v.vhid() == follow.vhid() && v.on(follow.iface())).toList();
        if (arriving.stream().map(v -> v.iface().toLowerCase(java.util.Locale.ROOT)).distinct().count() == 1) {
            // A blank uuid would read as "no CARP dependency" on the backup: the very black hole.
            return arriving.stream().map(PayloadVip::uuid).filter(u -> !u.isBlank()).findFirst()
                    .<Resolved<String>>map(Resolved.Yes::new)
                    .orElseGet(() -> new Resolved.No<>("the VIP for VHID " + follow.vhid() + " in this restore has no uuid"));
        }
        if (carp instanceof CarpView.Known known) {
            return known.backupVipUuid(follow.vhid(), follow.iface());
        }
        return new Resolved.No<>("backup API unavailable (" + ((CarpView.Unavailable) carp).reason()
                + ") and no backup-vip in the VHID map");
    }
}
