package io.carpgate.policy;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.CarpView.Resolved;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.XmlRpcValue;
import io.carpgate.xmlrpc.XmlRpcValue.Str;
import io.carpgate.xmlrpc.XmlRpcValue.Struct;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Points each item's {@code carp_depend_on} in a restore (every {@link ItemKind}) at the VIP the backup will
 * have for the item's VHID once this restore is stored, so the backup's own CARP logic keeps it down while it
 * is BACKUP and brings it up when it becomes MASTER.
 *
 * <p>Which uuid that is: the backup's restore replaces its synced CARP VIPs with the ones in the payload,
 * uuids included. So a VIP for the VHID that arrives in the same call keeps the master's uuid on the backup
 * and must be named as is; pointing at the backup's current uuid would leave a dangling reference — the
 * very failure carpgate exists to prevent. Only when the payload has no VIP for the VHID (VIP sync off,
 * or the VIP marked "No XMLRPC sync") is the backup's own VIP, from its API, the right one. An admin's
 * {@code backup-vip} in the VHID map overrides both.
 */
final class ItemRewrite {
    private ItemRewrite() {}

    static CallDecision decide(Struct sections, GateInputs in) {
        RestoreVips vips = RestoreVips.of(sections);
        List<BodyPatcher.Replacement> changes = new ArrayList<>();
        List<CarpItem> learned = new ArrayList<>();
        Set<ItemKind> kinds = new LinkedHashSet<>();
        List<String> names = new ArrayList<>();
        List<String> vhids = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (ItemKind kind : ItemKind.values()) {
            for (XmlRpcValue value : kind.items(sections)) {
                kinds.add(kind);
                if (!(value instanceof Struct item)) {
                    notes.add("a " + kind.label() + " entry (" + kind.path() + ") is not a struct; left as sent");
                    continue;
                }
                ItemResult found = item(kind, item, vips, in);
                // The interface the backup gives the item does not depend on how its VHID was found.
                Optional<String> device = kind == ItemKind.DHCRELAY && relaysToIpv6(item, sections) ? Optional.empty()
                        : kind.device(item);
                ItemResult result = new ItemResult(found.item().withDevice(device), found.change(),
                        found.note(), found.refusal());
                result.refusal().ifPresent(refusals::add);
                names.add(result.item().shownName());
                result.item().vhid().ifPresent(v -> vhids.add(String.valueOf(v)));
                result.change().ifPresent(changes::add);
                learned.add(result.item());
                notes.add(result.note());
            }
        }
        List<String> left = new ArrayList<>();
        // A section in the restore, with items or emptied, replaces the backup's list of that kind: its old items go.
        Set<ItemKind> carried = java.util.EnumSet.noneOf(ItemKind.class);
        carried.addAll(kinds);
        carried.addAll(replacedKinds(sections));
        leftFollowingADroppedVip(carried, vips, in, refusals, left);
        if (kinds.isEmpty() && !refusals.isEmpty()) {
            String message = String.join("; ", refusals) + "; nothing was sent to the backup (it keeps what it stored "
                    + "before); sync again once this is fixed";
            return new CallDecision.Reject(CallOutcome.plain(Methods.RESTORE, Action.REJECTED, message),
                    Methods.APPLICATION_ERROR, message);
        }
        if (kinds.isEmpty()) {
            return CallDecision.Forward.unchanged(CallOutcome.plain(Methods.RESTORE, Action.FORWARDED,
                    String.join("; ", left) + (left.isEmpty() ? "" : "; ") + "no "
                            + Arrays.stream(ItemKind.values()).map(ItemKind::label).collect(Collectors.joining(", "))
                            + " in this restore"));
        }
        notes.addAll(left);
        if (!refusals.isEmpty()) {
            String message = String.join("; ", refusals) + "; nothing was sent to the backup (it keeps what it stored "
                    + "before); sync again once this is fixed";
            // The record names the restore's items, as a forwarded one's does: a search by instance finds it.
            return new CallDecision.Reject(outcomeOf(kinds, names, vhids, Action.REJECTED, message),
                    Methods.APPLICATION_ERROR, message);
        }
        learned = onceEach(learned);
        Action action = changes.isEmpty() ? Action.FORWARDED : Action.REWRITTEN;
        return new CallDecision.Forward(outcomeOf(kinds, names, vhids, action, String.join("; ", notes)), changes,
                learned);
    }

    private static CallOutcome outcomeOf(Set<ItemKind> kinds, List<String> names, List<String> vhids, Action action,
                                         String reason) {
        return new CallOutcome(Methods.RESTORE, Optional.empty(), Optional.empty(),
                Optional.of(kinds.stream().map(ItemKind::key).collect(Collectors.joining(","))),
                Optional.of(String.join(", ", names)),
                vhids.isEmpty() ? Optional.empty() : Optional.of(String.join(",", vhids)),
                Optional.empty(), action, reason);
    }

    /**
     * An item listed twice in one restore (same kind and uuid): which entry the backup acts on is not carpgate's to
     * guess, so unless both say the same, the VHID it follows is unknown.
     */
    private static List<CarpItem> onceEach(List<CarpItem> learned) {
        java.util.Map<String, CarpItem> byKey = new java.util.LinkedHashMap<>();
        for (CarpItem item : learned) {
            String key = ItemBook.keyOf(item);
            CarpItem before = byKey.get(key);
            if (before == null || (before.vhid().equals(item.vhid()) && before.iface().equals(item.iface()))) {
                byKey.put(key, before == null ? item : before);
            } else {
                byKey.put(key, new CarpItem(item.kind(), item.uuid(), item.name(), before.gated() || item.gated(),
                        Optional.empty(), Optional.empty(), Optional.empty(), "listed twice in the restore, with "
                        + "different CARP dependencies", Optional.empty(), item.device()));
            }
        }
        return List.copyOf(byKey.values());
    }

    /**
     * What the rewrite makes of one item. {@code refusal} says why the restore must not reach the backup: the item
     * would be stored following a VIP uuid the backup will not have (or carpgate cannot tell that it will), and the
     * backup's own CARP hooks (each CARP event, its next boot) bring such a WireGuard instance or OpenVPN client up,
     * also as BACKUP, whether or not a start follows.
     */
    private record ItemResult(CarpItem item, Optional<BodyPatcher.Replacement> change, String note,
                              Optional<String> refusal) {
        ItemResult(CarpItem item, Optional<BodyPatcher.Replacement> change, String note) {
            this(item, change, note, Optional.empty());
        }

        static ItemResult refused(CarpItem item, String why) {
            return new ItemResult(item, Optional.empty(), why, Optional.of(why));
        }
    }

    private record Follow(int vhid, Optional<String> iface, String source) {}

    private static ItemResult item(ItemKind kind, Struct item, RestoreVips vips,
                                   GateInputs in) {
        String uuid = PayloadVip.uuidOf(item);
        String name = PayloadVip.text(item, kind.nameField());
        String label = kind.label() + " " + (name.isEmpty() ? uuid : name);
        Optional<String> ignored = kind.dependencyIgnored(item);
        if (ignored.isPresent()) {
            return new ItemResult(new CarpItem(kind, uuid, name, false, Optional.empty(), Optional.empty()),
                    Optional.empty(), label + ": left as sent, " + ignored.get());
        }
        boolean gated = kind.startsGated();
        // The backup's scripts skip a disabled item (empty((string)$node->enabled)): it comes up nowhere, whatever
        // its dependency, so a dependency that dangles is said, not refused; enabling it is a sync of its own.
        boolean refuses = gated && !disabled(item);
        Optional<XmlRpcValue> dependOn = item.get("carp_depend_on");
        String masterVip = dependOn.filter(Str.class::isInstance).map(v -> ((Str) v).text()).orElse("");
        Optional<VhidMapEntry> mapped = in.vhidMap().find(kind, uuid, name);

        Optional<Follow> follow = mapped.map(h -> new Follow(h.vhid(), h.iface(), fromMap(h)))
                .or(() -> vips.withUuid(masterVip).map(v -> new Follow(v.vhid(), Optional.of(v.iface()), "the master's VIP in the restore")));
        if (follow.isEmpty()) {
            CarpItem unplaced = new CarpItem(kind, uuid, name, gated, Optional.empty(), Optional.empty(),
                    Optional.empty(), masterVip.isEmpty() ? "no CARP dependency in the restore, not in the VHID map"
                            : "its VIP " + masterVip + " neither in the restore nor in the VHID map", Optional.empty());
            if (masterVip.isEmpty() && !gated) {
                // Runs on both nodes, as the admin set it up; carpgate has nothing to decide.
                return new ItemResult(unplaced, Optional.empty(), label + " has no CARP dependency; left as sent");
            }
            if (masterVip.isEmpty()) {
                return new ItemResult(unplaced, Optional.empty(), "WARNING " + label
                        + " has no CARP dependency on the master and is not in the VHID map: VHID unknown, left as sent");
            }
            Optional<String> dangles = gated ? danglesAsSent(masterVip, vips, in.carp())
                    : Optional.empty();
            if (dangles.isPresent() && !refuses) {
                return new ItemResult(unplaced, Optional.empty(), "WARNING " + label + " (disabled) depends on VIP "
                        + masterVip + ", which is neither in this sync nor in the VHID map, and " + dangles.get()
                        + ": left as sent (disabled, the backup does not bring it up; name its VHID in the VHID map "
                        + "before enabling it)");
            }
            if (dangles.isPresent()) {
                return ItemResult.refused(unplaced, label + " depends on VIP " + masterVip + ", which is neither in "
                        + "this sync nor in the VHID map, and " + dangles.get() + ": stored so, " + kind.unknownVipEffect()
                        + " (name its VHID in the VHID map)");
            }
            String why = gated ? "which the backup has (per its API) but carpgate cannot place (name its VHID in the VHID map)"
                    : "which is neither in this sync nor in the VHID map (if the backup has no such VIP, "
                    + kind.unknownVipEffect() + ")";
            return new ItemResult(unplaced, Optional.empty(), "WARNING " + label + " depends on VIP " + masterVip + " "
                    + why + ": VHID unknown, left as sent");
        }
        Follow f = follow.get();
        String basis = "VHID " + f.vhid() + " from " + f.source();
        CarpItem known = new CarpItem(kind, uuid, name, gated, Optional.of(f.vhid()), f.iface(), Optional.empty(),
                basis, Optional.empty());
        Resolved<String> target = targetVip(f, mapped, masterVip, vips, in.carp());
        if (target instanceof Resolved.No<String> no && refuses) {
            Optional<String> dangles = danglesAsSent(masterVip, vips, in.carp());
            if (dangles.isPresent()) {
                return ItemResult.refused(asSent(known, masterVip, vips, no.reason()), label + " (VHID "
                        + f.vhid() + " from " + f.source() + "): " + no.reason() + "; left as sent, "
                        + dangles.get() + ", so " + kind.unknownVipEffect());
            }
        }
        if (target instanceof Resolved.No<String> no) {
            // Like every other WARNING of a restore: what the backup will do with the item left as sent.
            String effect = masterVip.isEmpty() ? "" : " (if the backup has no VIP " + masterVip + ", "
                    + kind.unknownVipEffect() + ")";
            return new ItemResult(asSent(known, masterVip, vips, no.reason()), Optional.empty(), "WARNING "
                    + label + " (VHID " + f.vhid() + " from " + f.source() + "): " + no.reason() + "; left as sent"
                    + effect);
        }
        String backupVip = ((Resolved.Yes<String>) target).value();
        known = new CarpItem(kind, uuid, name, gated, Optional.of(f.vhid()), f.iface(), Optional.of(backupVip), basis,
                Optional.empty());
        if ((!BodyPatcher.canWrite(backupVip) || !(dependOn.orElse(null) instanceof Str)) && refuses) {
            Optional<String> dangles = danglesAsSent(masterVip, vips, in.carp());
            if (dangles.isPresent()) {
                return ItemResult.refused(asSent(known, masterVip, vips, "carp_depend_on cannot be set"),
                        label + " (VHID " + f.vhid() + " from " + f.source() + "): carpgate cannot set its "
                        + "carp_depend_on to VIP " + backupVip + " in place (" + (BodyPatcher.canWrite(backupVip)
                        ? "it is missing or not a string" : "the uuid has a character that cannot be written")
                        + "), and as sent " + dangles.get() + ", so " + kind.unknownVipEffect());
            }
        }
        if (!BodyPatcher.canWrite(backupVip)) {
            // E.g. a VIP uuid spelled with &#13;: no in-place text reads back as that string on the backup.
            return new ItemResult(asSent(known, masterVip, vips, "the VIP uuid cannot be written"),
                    Optional.empty(), "WARNING " + label + " (VHID " + f.vhid()
                    + " from " + f.source() + "): the VIP uuid it should follow has a character that cannot be "
                    + "written into the body; left as sent, its CARP dependency may not resolve on the backup");
        }
        if (dependOn.isEmpty() || !(dependOn.get() instanceof Str str)) {
            return new ItemResult(asSent(known, masterVip, vips, "carp_depend_on cannot be set in place"),
                    Optional.empty(), "WARNING " + label
                    + ": carp_depend_on is missing or not a string and cannot be set in place; left as sent");
        }
        // An admin's backup-vip the backup does not have (a typo, a VIP since removed), or one this restore drops,
        // would dangle: say so.
        Optional<String> mapDangles = mapTargetDangles(backupVip, mapped, vips, in.carp());
        if (mapDangles.isPresent() && refuses
                && danglesAsSent(masterVip, vips, in.carp()).isEmpty()) {
            // As the master sent it, the item follows a VIP the backup will have: better than the map's.
            return new ItemResult(asSent(known, masterVip, vips, "the VHID map's backup-vip would not resolve"),
                    Optional.empty(), "WARNING " + label + ": the VHID map's backup-vip " + backupVip + " "
                    + mapDangles.get() + "; left as sent, following VIP " + masterVip + " (fix backup-vip in the VHID "
                    + "map, or leave it out)");
        }
        if (mapDangles.isPresent() && refuses) {
            return ItemResult.refused(known, label + ": the VHID map's backup-vip " + backupVip + " "
                    + mapDangles.get() + ", so the dependency would not resolve there and " + kind.unknownVipEffect()
                    + " (fix backup-vip in the VHID map, or leave it out)");
        }
        String dangling = mapDangles.map(why -> "WARNING the VHID map's backup-vip " + backupVip + " " + why
                        + ", so the dependency will not resolve there; ").orElse("")
                + (gated ? sharedVhid(f.vhid(), in.carp()) : "");
        if (str.text().equals(backupVip)) {
            return new ItemResult(known, Optional.empty(), dangling + label + " already follows VIP "
                    + backupVip + " (VHID " + f.vhid() + ")");
        }
        return new ItemResult(known, Optional.of(new BodyPatcher.Replacement(str.slot(), backupVip)), dangling + label
                + ": carp_depend_on " + (masterVip.isEmpty() ? "(none)" : masterVip) + " -> " + backupVip
                + " (VHID " + f.vhid() + " from " + f.source() + ")");
    }

    /**
     * The item as the backup will store it when its {@code carp_depend_on} goes on as the master sent it: following
     * the master's VIP when that arrives in the same restore (the backup then has it, uuid and all), else nothing
     * carpgate can vouch for, so its starts are decided as unknown until a restore it can rewrite.
     */
    private static CarpItem asSent(CarpItem item, String masterVip, RestoreVips vips, String why) {
        Optional<PayloadVip> arriving = vips.withUuid(masterVip);
        if (arriving.isPresent()) {
            return new CarpItem(item.kind(), item.uuid(), item.name(), item.gated(), Optional.of(arriving.get().vhid()),
                    Optional.of(arriving.get().iface()), Optional.of(masterVip), "VHID " + arriving.get().vhid()
                    + " from the master's VIP in the restore (its carp_depend_on left as sent)", Optional.empty());
        }
        return new CarpItem(item.kind(), item.uuid(), item.name(), item.gated(), Optional.empty(), Optional.empty(),
                Optional.empty(), "its carp_depend_on was left as sent (" + why + "), and the backup may not have "
                + "that VIP", Optional.empty());
    }

    /**
     * A VHID number on more than one interface of the backup: its scripts read CARP state by the number alone
     * (wg-service-control.php takes the last kernel entry with it, ovpn_service_control.php one VIP uuid per number),
     * so the item may follow another interface's state, or an OpenVPN client never start. Valid in OPNsense (a VHID
     * is unique per interface), so said, not refused.
     */
    private static String sharedVhid(int vhid, CarpView carp) {
        if (!(carp instanceof CarpView.Known known)) {
            return "";
        }
        List<String> ifaces = known.vips().stream().filter(v -> v.vhid() == vhid)
                .map(v -> v.iface().toLowerCase(java.util.Locale.ROOT)).distinct().sorted().toList();
        return ifaces.size() < 2 ? "" : "WARNING VHID " + vhid + " is on " + ifaces.size() + " interfaces of the backup ("
                + String.join(", ", ifaces) + "): OPNsense's scripts read CARP state by the VHID number alone, so this "
                + "item may follow another interface's state, and an OpenVPN client only one of those VIPs; give each "
                + "CARP VIP its own VHID; ";
    }

    /**
     * Whether a relay sends to an IPv6 destination (a server address of its {@code destination} in the restore holds
     * a ':'): OPNsense runs {@code dhcrelay6} for it, which the watch cannot see listen (PROTOCOL.md: DHCPv6 relays
     * use sockets, not BPF), so such a relay is given no device and is not judged, rather than called down.
     */
    private static boolean relaysToIpv6(Struct relay, Struct sections) {
        String destination = PayloadVip.text(relay, "destination");
        if (destination.isEmpty()) {
            return false;
        }
        Optional<XmlRpcValue> all = sections.struct("OPNsense").flatMap(o -> o.struct("DHCRelay"))
                .flatMap(d -> d.get("destinations"));
        if (all.isEmpty()) {
            return false;
        }
        for (XmlRpcValue value : XmlRpcValue.oneOrMany(all.get())) {
            if (value instanceof Struct d && PayloadVip.uuidOf(d).equals(destination)) {
                return PayloadVip.text(d, "server").contains(":");
            }
        }
        return false;
    }

    /** The kinds whose whole list of items a restore of {@code sections} replaces on the backup. */
    static Set<ItemKind> replacedKinds(Struct sections) {
        Set<ItemKind> out = java.util.EnumSet.noneOf(ItemKind.class);
        for (ItemKind kind : ItemKind.values()) {
            if (kind.carriedIn(sections)) {
                out.add(kind);
            }
        }
        return out;
    }

    /** An item the backup's scripts skip: {@code enabled} present and empty or "0" (PHP's empty()). */
    private static boolean disabled(Struct item) {
        return item.get("enabled").filter(Str.class::isInstance).map(v -> ((Str) v).text())
                .map(t -> t.isEmpty() || t.equals("0")).orElse(false);
    }

    /**
     * Items the restore does not carry (their kind's section is not in it, so the backup keeps them as they are) that
     * carpgate last pointed at a VIP of the backup which this restore drops: on the backup they would then follow no
     * VIP, and its own CARP hooks bring them up, also as BACKUP. One a stored restore left there (carpgate saw the
     * backup store it, and has seen nothing since that may have changed it) is refused, as an item in the restore
     * that would follow no VIP is; one in doubt (carpgate may not know what the backup holds) is a WARNING. A sync of
     * the item's section with the VIPs puts either right. Each is added to {@code refusals} or {@code warnings}.
     */
    private static void leftFollowingADroppedVip(Set<ItemKind> carried, RestoreVips vips, GateInputs in,
                                                 List<String> refusals, List<String> warnings) {
        for (CarpItem item : in.book().all()) {
            if (carried.contains(item.kind()) || !item.gated() || item.vip().isEmpty()) {
                continue;
            }
            if (after(item.vip().get(), vips, in.carp()) instanceof AfterRestore.Dropped dropped) {
                String follows = item.kind().label() + " " + item.shownName() + " follows the backup's VIP "
                        + dropped.vip().uuid() + " (VHID " + dropped.vip().vhid() + "), which this restore drops, and "
                        + "is not in it";
                if (item.learnedAt().isPresent()) {
                    refusals.add(follows + ": stored so, " + item.kind().unknownVipEffect() + " (sync "
                            + item.kind().label() + "s with the VIPs: System > High Availability > Settings; or keep "
                            + "the VIP's uuid)");
                } else {
                    warnings.add("WARNING " + follows + ": if the backup still has it, " + item.kind().unknownVipEffect()
                            + " (sync " + item.kind().label() + "s with the VIPs)");
                }
            }
        }
    }

    /**
     * Why an item stored with {@code carp_depend_on} as the master sent it would not follow a VIP of the backup
     * (empty when it would): none named; a uuid neither in this restore nor among the backup's VIPs that stay; or
     * the backup's VIPs unknown (its API unavailable), so carpgate cannot tell.
     */
    private static Optional<String> danglesAsSent(String masterVip, RestoreVips vips,
                                                  CarpView carp) {
        if (masterVip.isEmpty()) {
            return Optional.of("it names no VIP");
        }
        AfterRestore after = after(masterVip, vips, carp);
        if (after instanceof AfterRestore.Unknown unknown) {
            return Optional.of("whether the backup has VIP " + masterVip + " is not known (" + unknown.why() + ")");
        }
        if (after instanceof AfterRestore.Missing) {
            return Optional.of("the backup has no VIP " + masterVip + " (per its API)");
        }
        if (after instanceof AfterRestore.Dropped) {
            return Optional.of("this restore drops the backup's VIP " + masterVip + " (not marked No XMLRPC sync there)");
        }
        return Optional.empty();
    }

    /** Whether the backup has a VIP with some uuid once this restore is stored, and if not, why not. */
    private sealed interface AfterRestore {
        /** In the restore, or a VIP of the backup the restore leaves. */
        record Kept() implements AfterRestore {}

        /** The backup's API is unavailable: carpgate cannot tell. */
        record Unknown(String why) implements AfterRestore {}

        /** Neither in the restore nor a VIP of the backup. */
        record Missing() implements AfterRestore {}

        /** A VIP of the backup that this restore drops: it replaces the backup's VIPs, and this one is not nosync. */
        record Dropped(BackupVip vip) implements AfterRestore {}
    }

    private static AfterRestore after(String uuid, RestoreVips vips, CarpView carp) {
        if (vips.carries(uuid)) {
            return new AfterRestore.Kept();
        }
        if (!(carp instanceof CarpView.Known known)) {
            return new AfterRestore.Unknown(((CarpView.Unavailable) carp).reason());
        }
        Optional<BackupVip> own = known.vips().stream().filter(v -> v.uuid().equals(uuid)).findFirst();
        if (own.isEmpty()) {
            return new AfterRestore.Missing();
        }
        return vips.replaced() && !own.get().nosync() ? new AfterRestore.Dropped(own.get()) : new AfterRestore.Kept();
    }

    /**
     * Why the map's backup-vip, when it is the target, will not be a VIP of the backup once this restore is stored
     * (empty when it will, or when the admin's word is all there is: the API down and the backup's VIPs left as they
     * are): neither the backup nor the restore has it, the restore drops it, or the restore replaces the backup's VIPs
     * while the API cannot say whether it keeps this one.
     */
    private static Optional<String> mapTargetDangles(String target, Optional<VhidMapEntry> mapped,
                                                     RestoreVips vips, CarpView carp) {
        boolean fromMap = mapped.flatMap(VhidMapEntry::backupVip).filter(target::equals).isPresent();
        if (!fromMap) {
            return Optional.empty();
        }
        AfterRestore after = after(target, vips, carp);
        if (after instanceof AfterRestore.Unknown unknown) {
            // Without the backup's API carpgate cannot tell whether a restore that replaces its VIPs keeps this one
            // (marked No XMLRPC sync there); a restore that carries none leaves it as the admin says it is.
            return vips.replaced() ? Optional.of("is not in this restore, which replaces the backup's VIPs, and whether "
                    + "the backup keeps it is not known (" + unknown.why() + ")") : Optional.empty();
        }
        if (after instanceof AfterRestore.Missing) {
            return Optional.of("is neither a VIP of the backup (per its API) nor in this restore");
        }
        if (after instanceof AfterRestore.Dropped) {
            return Optional.of("is a VIP of the backup that this restore drops (it replaces the backup's VIPs, does not "
                    + "carry this one, and it is not marked No XMLRPC sync on the backup)");
        }
        return Optional.empty();
    }

    private static String fromMap(VhidMapEntry mapped) {
        return mapped.origin().isEmpty() ? "the VHID map" : "the VHID map, " + mapped.origin();
    }

    private static Resolved<String> targetVip(Follow follow, Optional<VhidMapEntry> mapped, String masterVip,
                                              RestoreVips vips, CarpView carp) {
        if (mapped.isPresent() && mapped.get().backupVip().isPresent()) {
            return new Resolved.Yes<>(mapped.get().backupVip().get());
        }
        // The map may name the interface by its description (WAN2): the restore's VIPs name it internally (opt2).
        Optional<String> iface = follow.iface().map(i -> carp instanceof CarpView.Known known
                ? known.internalName(i, follow.vhid()) : i);
        // Two VIPs of one VHID (IPv4 and IPv6): the one the master's item follows is the one that works there (an
        // OpenVPN client resolves only the last of them), and the backup gets the same list. Found by its uuid, not
        // among the VHID's VIPs: a restore may carry thousands with one VHID.
        Optional<PayloadVip> followed = vips.withUuid(masterVip)
                .filter(v -> v.vhid() == follow.vhid() && v.on(iface));
        if (followed.isPresent()) {
            return new Resolved.Yes<>(followed.get().uuid());
        }
        List<PayloadVip> arriving = vips.withVhid(follow.vhid()).stream().filter(v -> v.on(iface)).toList();
        if (arriving.stream().map(v -> v.iface().toLowerCase(java.util.Locale.ROOT)).distinct().count() == 1) {
            // A blank uuid would read as "no CARP dependency" on the backup: the very black hole.
            return arriving.stream().map(PayloadVip::uuid).filter(u -> !u.isBlank()).findFirst()
                    .<Resolved<String>>map(Resolved.Yes::new)
                    .orElseGet(() -> new Resolved.No<>("the VIP for VHID " + follow.vhid() + " in this restore has no uuid"));
        }
        if (carp instanceof CarpView.Known known) {
            return vips.replaced() ? known.backupVipKeptUuid(follow.vhid(), follow.iface())
                    : known.backupVipUuid(follow.vhid(), follow.iface());
        }
        return new Resolved.No<>("backup API unavailable (" + ((CarpView.Unavailable) carp).reason()
                + ") and no backup-vip in the VHID map");
    }
}
