package io.carpgate.observe;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpReading;
import io.carpgate.carp.CarpStatus;
import io.carpgate.carp.CarpView;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.VhidMapEntry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One pair as the admin listener shows it: the backup's VHIDs with their live CARP state, and the items with
 * a CARP dependency carpgate knows (from the VHID map and from syncs) with the VHID each follows.
 *
 * @param carpProblem why the backup's CARP state is unknown, empty when its API answered carpgate's last read
 * @param carpAge how old carpgate's last read of the CARP state is, empty before the first one
 * @param onUnknownCarp this pair's policy for starts whose CARP state cannot be known ({@code suppress}, {@code forward})
 * @param backupCertificateNotAfter when the backup's certificate, as carpgate last accepted it, expires
 * @param watch what carpgate's read-only watch of the backup found
 */
public record PairStatus(String name, String path, URI backup, Optional<String> carpProblem, Optional<Duration> carpAge,
                         List<VhidRow> vhids, List<InstanceRow> instances, String onUnknownCarp,
                         Optional<Instant> backupCertificateNotAfter, Watch watch) {

    /**
     * The watch of the backup: whether it runs, the conflicts standing (oldest first) and its last read.
     *
     * @param problem why the last read found nothing, empty when it answered (or none was made)
     */
    public record Watch(boolean enabled, List<ConflictRow> conflicts, Optional<Instant> lastRead,
                        Optional<String> problem) {
        public Watch {
            conflicts = List.copyOf(conflicts);
        }
    }

    /** A conflict on the backup: the item's kind, name and uuid, what is wrong, since when. */
    public record ConflictRow(String kind, String item, String uuid, String text, Instant since) {}

    /**
     * 1 or 0 for every item carpgate knows: whether a conflict stands for it (the metric, from the start). A row
     * names its item by name or, for a VHID map entry keyed so, by uuid.
     */
    public boolean inConflict(InstanceRow row) {
        return watch.conflicts().stream().anyMatch(c -> c.kind().equals(row.kind())
                && (c.item().equals(row.instance()) || c.uuid().equals(row.instance())));
    }

    public PairStatus {
        vhids = List.copyOf(vhids);
        instances = List.copyOf(instances);
    }

    /** A CARP VIP of the backup. {@code state} is MASTER, BACKUP, INIT, DISABLED or UNKNOWN. */
    public record VhidRow(int vhid, String iface, String backupVipUuid, String state) {}

    /**
     * An item with a CARP dependency. {@code kind} is its kind's word ({@code wireguard}, {@code openvpn},
     * {@code dhcrelay}); {@code source} is "map", "sync" or "map+sync"; {@code state} is the CARP state of the
     * VHID it follows, UNKNOWN when that is not known, "-" when it follows none carpgate knows; {@code gated}
     * whether carpgate holds its starts until that state is MASTER.
     */
    public record InstanceRow(String kind, String instance, String source, Optional<Integer> vhid,
                              Optional<String> iface, String state, boolean gated, String basis) {}

    /** Where the VHID an item follows comes from, in words: the map entry, the restore and when the backup stored it. */
    private static String basis(Optional<VhidMapEntry> mapped, List<CarpItem> synced) {
        List<String> parts = new ArrayList<>();
        mapped.ifPresent(h -> parts.add("VHID " + h.vhid() + " from the VHID map" + (h.origin().isEmpty() ? ""
                : ", " + h.origin())));
        for (CarpItem item : synced) {
            String restore = item.basis().isEmpty() ? "seen in a restore" : item.basis();
            parts.add(restore + item.learnedAt().map(at -> ", as of " + at).orElse(""));
        }
        return String.join("; ", parts);
    }

    public boolean ready() {
        return carpProblem.isEmpty();
    }

    /**
     * @param lastSeen carpgate's last reading of the backup's CARP state (the status never reads one itself)
     */
    public static PairStatus of(String name, String path, URI backup, Optional<CarpReading> lastSeen, Instant now,
                                List<VhidMapEntry> mapped, Collection<CarpItem> learned, String onUnknownCarp,
                                Optional<Instant> backupCertificateNotAfter, Watch watch) {
        CarpView view = lastSeen.map(CarpReading::view)
                .orElseGet(() -> new CarpView.Unavailable("no CARP state read from the backup yet"));
        Optional<Duration> age = lastSeen.map(r -> r.age(now));
        List<VhidRow> vhids = new ArrayList<>();
        Optional<String> problem = Optional.empty();
        // One lookup per VHID and interface, however many rows share them (the backup's lists are its own to choose).
        Map<String, String> seen = new HashMap<>();
        java.util.function.BiFunction<Optional<Integer>, Optional<String>, String> state = (vhid, iface) ->
                vhid.isEmpty() ? "-" : seen.computeIfAbsent(vhid.get() + "|" + iface.map(i -> "=" + i).orElse(""),
                        k -> state(view, vhid, iface));
        if (view instanceof CarpView.Known known) {
            known.vips().stream().sorted(Comparator.comparingInt(BackupVip::vhid).thenComparing(BackupVip::iface))
                    .forEach(v -> vhids.add(new VhidRow(v.vhid(), v.iface(), v.uuid(),
                            state.apply(Optional.of(v.vhid()), Optional.of(v.iface())))));
        } else {
            problem = Optional.of(((CarpView.Unavailable) view).reason());
        }
        List<InstanceRow> instances = new ArrayList<>();
        for (VhidMapEntry entry : mapped) {
            List<CarpItem> synced = learned.stream().filter(entry::names).toList();
            boolean gated = synced.isEmpty() ? entry.kind().startsGated() : synced.stream().anyMatch(CarpItem::gated);
            // As the gate decides: what a stored restore left on the backup outranks the map entry.
            Optional<CarpItem> stored = synced.stream().filter(i -> i.learnedAt().isPresent()).findFirst();
            Optional<Integer> vhid = stored.isPresent() ? stored.get().vhid() : Optional.of(entry.vhid());
            Optional<String> iface = stored.isPresent() ? stored.get().iface() : entry.iface();
            instances.add(new InstanceRow(entry.kind().key(), entry.key(), synced.isEmpty() ? "map" : "map+sync",
                    vhid, iface, state.apply(vhid, iface), gated, basis(Optional.of(entry), synced)));
        }
        learned.stream()
                .filter(k -> mapped.stream().noneMatch(h -> h.names(k)))
                .sorted(Comparator.comparing(CarpItem::kind).thenComparing(CarpItem::shownName))
                .forEach(k -> instances.add(new InstanceRow(k.kind().key(), k.shownName(), "sync", k.vhid(),
                        k.iface(), state.apply(k.vhid(), k.iface()), k.gated(), basis(Optional.empty(), List.of(k)))));
        return new PairStatus(name, path, backup, problem, age, vhids, instances, onUnknownCarp,
                backupCertificateNotAfter, watch);
    }

    private static String state(CarpView view, Optional<Integer> vhid, Optional<String> iface) {
        if (vhid.isEmpty()) {
            return "-";
        }
        return view instanceof CarpView.Known known ? state(known, vhid.get(), iface) : "UNKNOWN";
    }

    private static String state(CarpView.Known known, int vhid, Optional<String> iface) {
        CarpView.Resolved<CarpStatus> status = known.statusOf(vhid, iface);
        return status instanceof CarpView.Resolved.Yes<CarpStatus> yes ? yes.value().name() : "UNKNOWN";
    }
}
