package io.carpgate.watch;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpStatus;
import io.carpgate.carp.CarpView;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The conflicts on a backup, as a pure function of what carpgate knows of the pair's items, the backup's CARP view
 * and its network. Nothing is guessed: an item whose VHID, CARP state or interface is not known is no conflict
 * (the status page shows what is unknown about it).
 */
public final class ConflictDetector {
    private ConflictDetector() {}

    public static List<Conflict> detect(Collection<CarpItem> items, CarpView.Known carp, BackupNetwork network) {
        List<Conflict> out = new ArrayList<>();
        for (CarpItem item : items) {
            if (item.vhid().isEmpty() || item.device().isEmpty()) {
                continue;
            }
            int vhid = item.vhid().get();
            if (!(carp.statusOf(vhid, item.iface()) instanceof CarpView.Resolved.Yes<CarpStatus> yes)) {
                continue;
            }
            CarpStatus status = yes.value();
            if (item.kind().startsGated()) {
                // Only an item whose dependency counts is meant to be down on a BACKUP (an OpenVPN server is not).
                String device = item.device().get();
                if (item.gated() && status != CarpStatus.MASTER && network.isUp(device)) {
                    out.add(new Conflict(item.kind(), item.uuid(), item.shownName(), device,
                            Problem.UP_WHILE_NOT_MASTER, vhid, status.name(), network.routedInto(device)));
                }
            } else if (item.kind() == ItemKind.DHCRELAY && status == CarpStatus.MASTER
                    && network.relayDevices().isPresent()) {
                Optional<String> device = relayDevice(item, vhid, carp, network);
                if (device.isPresent() && !network.relayDevices().get().contains(device.get())) {
                    out.add(new Conflict(item.kind(), item.uuid(), item.shownName(), device.get(),
                            Problem.RELAY_DOWN_WHILE_MASTER, vhid, status.name(), List.of()));
                }
            }
        }
        return List.copyOf(out);
    }

    /** The device of the relay's VIP: the backup's VIP it follows, by uuid, else by VHID; its address's interface. */
    private static Optional<String> relayDevice(CarpItem item, int vhid, CarpView.Known carp, BackupNetwork network) {
        Optional<String> uuid = item.vip().or(() -> carp.backupVipUuid(vhid, item.iface())
                instanceof CarpView.Resolved.Yes<String> yes ? Optional.of(yes.value()) : Optional.empty());
        return uuid.flatMap(u -> carp.vips().stream().filter(v -> v.uuid().equals(u)).findFirst())
                .map(BackupVip::address)
                .flatMap(address -> Optional.ofNullable(network.addresses().get(address)));
    }
}
