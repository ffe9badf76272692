package io.carpgate.watch;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpStatus;
import io.carpgate.carp.CarpView;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The conflicts on a backup, as a pure function of what carpgate knows of the pair's items, the backup's CARP view
 * and its network. Nothing is guessed: an item whose VHID, CARP state or interface is not known is no conflict
 * (the status page shows what is unknown about it).
 */
public final class ConflictDetector {
    private ConflictDetector() {}

    /**
     * The conflicts of one read, and the items it could not judge (by {@link Conflict#itemKey}: VHID, CARP state or
     * interface not known now, an item in doubt after a restore whose answer was lost, say): what stands of those is
     * not cleared by this read, since nothing says it was put right.
     */
    public record Detection(List<Conflict> conflicts, Set<String> unjudged) {
        public Detection {
            conflicts = List.copyOf(conflicts);
            unjudged = Set.copyOf(unjudged);
        }
    }

    public static List<Conflict> detect(Collection<CarpItem> items, CarpView.Known carp, BackupNetwork network) {
        return judge(items, carp, network).conflicts();
    }

    public static Detection judge(Collection<CarpItem> items, CarpView.Known carp, BackupNetwork network) {
        return judge(items, carp, network, true);
    }

    /**
     * @param routesRead whether the backup's routing table was read: without it a tunnel nobody claims, which is named
     *     by its routes, is not judged (one that stands stays; a failover, or an item that now claims it, is judged)
     */
    public static Detection judge(Collection<CarpItem> items, CarpView.Known carp, BackupNetwork network,
                                  boolean routesRead) {
        List<Conflict> out = new ArrayList<>();
        Set<String> unjudged = new HashSet<>();
        Map<String, List<String>> routed = network.routedIntoEach();
        for (CarpItem item : items) {
            if (item.device().isEmpty()) {
                continue; // nothing of it to look for on the backup (a disabled relay): judged, nothing wrong
            }
            if (item.vhid().isEmpty()) {
                unjudged.add(Conflict.itemKey(item.kind(), item.uuid()));
                continue;
            }
            // As the gate decides its starts: on the VHID the VIP it follows (by uuid) has on the backup now, which a
            // restore of VIPs alone may have changed since carpgate learned the item.
            Optional<BackupVip> followed = item.learnedAt().isPresent() ? item.vip().flatMap(carp::vip)
                    : Optional.empty();
            int vhid = followed.map(BackupVip::vhid).orElse(item.vhid().get());
            Optional<String> iface = followed.isPresent() ? Optional.of(followed.get().iface()) : item.iface();
            if (!(carp.statusOf(vhid, iface) instanceof CarpView.Resolved.Yes<CarpStatus> yes)) {
                unjudged.add(Conflict.itemKey(item.kind(), item.uuid()));
                continue;
            }
            CarpStatus status = yes.value();
            if (item.kind().startsGated()) {
                // Only an item whose dependency counts is meant to be down on a BACKUP (an OpenVPN server is not).
                String device = item.device().get();
                if (item.gated() && status != CarpStatus.MASTER && network.isUp(device)) {
                    out.add(new Conflict(item.kind(), item.uuid(), item.shownName(), device,
                            Problem.UP_WHILE_NOT_MASTER, vhid, status.name(), routed.getOrDefault(device, List.of())));
                }
            } else if (item.kind() == ItemKind.DHCRELAY && status == CarpStatus.MASTER
                    && network.relayDevices().isEmpty()) {
                unjudged.add(Conflict.itemKey(item.kind(), item.uuid())); // the backup did not say who listens
            } else if (item.kind() == ItemKind.DHCRELAY && status == CarpStatus.MASTER) {
                Optional<String> device = relayDevice(item, carp, network);
                if (device.isEmpty()) {
                    unjudged.add(Conflict.itemKey(item.kind(), item.uuid()));
                } else if (!network.relayDevices().get().contains(device.get())) {
                    out.add(new Conflict(item.kind(), item.uuid(), item.shownName(), device.get(),
                            Problem.RELAY_DOWN_WHILE_MASTER, vhid, status.name(), List.of()));
                }
            }
        }
        out.addAll(unknownTunnels(items, carp, network, routed, routesRead, unjudged));
        return new Detection(out, unjudged);
    }

    /** Whether the backup reports CARP states and none is MASTER: it is the BACKUP of the pair for every VHID. */
    private static boolean masterForNoVhid(CarpView.Known carp) {
        return !carp.states().isEmpty() && carp.states().stream().noneMatch(s -> CarpStatus.parse(
                s.status().trim().toUpperCase(java.util.Locale.ROOT)).orElse(null) == CarpStatus.MASTER);
    }

    /** What a tunnel's device is named on OPNsense: {@code wgN} (WireGuard), {@code ovpncN} (OpenVPN client). */
    private static final java.util.regex.Pattern TUNNEL = java.util.regex.Pattern.compile("(wg|ovpnc)[0-9]{1,4}");
    /** The backup's list is its own to choose: at most this many such tunnels are named. */
    static final int UNKNOWN_TUNNELS_SHOWN = 16;

    /**
     * Tunnels up, with routes into them, that no item carpgate knows claims, on a backup that is MASTER for no VHID
     * (it is the BACKUP of the pair): the black hole whatever caused it. On a backup MASTER for some VHID such a
     * tunnel may be one that follows it, which carpgate cannot tell without the item: no conflict then.
     */
    private static List<Conflict> unknownTunnels(Collection<CarpItem> items, CarpView.Known carp,
                                                 BackupNetwork network, Map<String, List<String>> routed,
                                                 boolean routesRead, Set<String> unjudged) {
        if (!masterForNoVhid(carp)) {
            return List.of();
        }
        Set<String> claimed = new HashSet<>();
        items.forEach(i -> i.device().ifPresent(claimed::add));
        List<String> unclaimed = network.up().entrySet().stream()
                .filter(e -> e.getValue() && TUNNEL.matcher(e.getKey()).matches() && !claimed.contains(e.getKey()))
                .map(java.util.Map.Entry::getKey).sorted().toList();
        if (!routesRead) {
            unclaimed.forEach(device -> unjudged.add(Conflict.itemKey(tunnelKind(device), device)));
            return List.of();
        }
        return unclaimed.stream()
                .filter(device -> routed.containsKey(device))
                .limit(UNKNOWN_TUNNELS_SHOWN)
                .map(device -> new Conflict(tunnelKind(device), device, device, device,
                        Problem.UNKNOWN_TUNNEL_UP_ON_BACKUP, 0, "BACKUP", routed.get(device)))
                .toList();
    }

    private static ItemKind tunnelKind(String device) {
        return device.startsWith("wg") ? ItemKind.WIREGUARD : ItemKind.OPENVPN;
    }

    /**
     * The device a relay listens on: its own interface ({@code get_real_interface(relay.interface)} in dhcrelay.inc),
     * which the CARP VIP it follows need not be on. Found through a CARP VIP of the backup on that interface (its
     * address sits on the interface's device); empty, so the relay is not judged, when the backup has none there.
     */
    private static Optional<String> relayDevice(CarpItem item, CarpView.Known carp, BackupNetwork network) {
        String own = item.device().get();
        return carp.vips().stream().filter(v -> v.iface().equalsIgnoreCase(own)).map(BackupVip::address)
                .map(address -> network.addresses().get(address)).filter(java.util.Objects::nonNull).findFirst();
    }
}
