package io.carpgate.observe;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpReading;
import io.carpgate.carp.CarpStatus;
import io.carpgate.carp.CarpView;
import io.carpgate.policy.KnownInstance;
import io.carpgate.policy.VhidHint;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One pair as the admin listener shows it: the backup's VHIDs with their live CARP state, and the WireGuard
 * instances carpgate knows (from the VHID map and from syncs) with the VHID each follows.
 *
 * @param carpProblem why the backup's CARP state is unknown, empty when its API answered carpgate's last read
 * @param carpAge how old carpgate's last read of the CARP state is, empty before the first one
 */
public record PairStatus(String name, String path, URI backup, Optional<String> carpProblem, Optional<Duration> carpAge,
                         List<VhidRow> vhids, List<InstanceRow> instances) {

    public PairStatus {
        vhids = List.copyOf(vhids);
        instances = List.copyOf(instances);
    }

    /** A CARP VIP of the backup. {@code state} is MASTER, BACKUP, INIT, DISABLED or UNKNOWN. */
    public record VhidRow(int vhid, String iface, String backupVipUuid, String state) {}

    /**
     * A WireGuard instance. {@code source} is "map", "sync" or "map+sync"; {@code state} is the CARP state
     * of the VHID it follows, UNKNOWN when that is not known, "-" when it follows none carpgate knows.
     */
    public record InstanceRow(String instance, String source, Optional<Integer> vhid, Optional<String> iface,
                              String state) {}

    public boolean ready() {
        return carpProblem.isEmpty();
    }

    /**
     * @param lastSeen carpgate's last reading of the backup's CARP state (the status never reads one itself)
     */
    public static PairStatus of(String name, String path, URI backup, Optional<CarpReading> lastSeen, Instant now,
                                List<VhidHint> mapped, Collection<KnownInstance> learned) {
        CarpView view = lastSeen.map(CarpReading::view)
                .orElseGet(() -> new CarpView.Unavailable("no CARP state read from the backup yet"));
        Optional<Duration> age = lastSeen.map(r -> r.age(now));
        List<VhidRow> vhids = new ArrayList<>();
        Optional<String> problem = Optional.empty();
        if (view instanceof CarpView.Known known) {
            known.vips().stream().sorted(Comparator.comparingInt(BackupVip::vhid).thenComparing(BackupVip::iface))
                    .forEach(v -> vhids.add(new VhidRow(v.vhid(), v.iface(), v.uuid(),
                            state(known, v.vhid(), Optional.of(v.iface())))));
        } else {
            problem = Optional.of(((CarpView.Unavailable) view).reason());
        }
        List<InstanceRow> instances = new ArrayList<>();
        for (VhidHint hint : mapped) {
            boolean alsoSynced = learned.stream().anyMatch(k -> matches(hint, k));
            instances.add(new InstanceRow(hint.instanceKey(), alsoSynced ? "map+sync" : "map", Optional.of(hint.vhid()),
                    hint.iface(), state(view, Optional.of(hint.vhid()), hint.iface())));
        }
        learned.stream()
                .filter(k -> mapped.stream().noneMatch(h -> matches(h, k)))
                .sorted(Comparator.comparing(KnownInstance::name))
                .forEach(k -> instances.add(new InstanceRow(k.name().isEmpty() ? k.uuid() : k.name(), "sync", k.vhid(),
                        k.iface(), state(view, k.vhid(), k.iface()))));
        return new PairStatus(name, path, backup, problem, age, vhids, instances);
    }

    private static boolean matches(VhidHint hint, KnownInstance known) {
        return hint.instanceKey().equals(known.uuid()) || hint.instanceKey().equals(known.name());
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
