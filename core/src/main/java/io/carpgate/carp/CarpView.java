package io.carpgate.carp;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What carpgate knows of the backup's CARP at one moment: either both API answers, or why not.
 * Resolution is pure so the decision that uses it can be tested without a backup.
 */
public sealed interface CarpView {

    record Unavailable(String reason) implements CarpView {}

    record Known(List<BackupVip> vips, List<VipState> states, Instant fetchedAt) implements CarpView {
        public Known {
            vips = List.copyOf(vips);
            states = List.copyOf(states);
        }

        /**
         * The backup's CARP status for a VHID. A VHID is unique only per interface, so {@code iface}
         * (internal name like {@code opt2} or description like {@code WAN2}) narrows the rows; without it
         * every row with the VHID must agree.
         */
        public Resolved<CarpStatus> statusOf(int vhid, Optional<String> iface) {
            List<VipState> rows = states.stream()
                    .filter(s -> s.vhid() == vhid)
                    .filter(s -> iface.map(i -> stateOnInterface(s, i)).orElse(true))
                    .toList();
            if (rows.isEmpty()) {
                return new Resolved.No<>("backup reports no CARP VIP with VHID " + vhid + on(iface));
            }
            Set<String> statuses = rows.stream()
                    .map(s -> s.status().trim().toUpperCase(Locale.ROOT))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            if (statuses.size() > 1) {
                return new Resolved.No<>("VHID " + vhid + on(iface) + " has differing states " + statuses
                        + " on the backup; name the interface in the VHID map");
            }
            String status = statuses.iterator().next();
            return CarpStatus.parse(status)
                    .<Resolved<CarpStatus>>map(Resolved.Yes::new)
                    .orElseGet(() -> new Resolved.No<>("backup reports unknown CARP status '" + status
                            + "' for VHID " + vhid));
        }

        /** The uuid of the backup's own CARP VIP with this VHID (on this interface, when given). */
        public Resolved<String> backupVipUuid(int vhid, Optional<String> iface) {
            List<BackupVip> candidates = vips.stream()
                    .filter(v -> v.vhid() == vhid)
                    .filter(v -> iface.map(i -> vipOnInterface(v, i)).orElse(true))
                    .toList();
            if (candidates.isEmpty()) {
                return new Resolved.No<>("backup has no CARP VIP with VHID " + vhid + on(iface));
            }
            long interfaces = candidates.stream().map(v -> v.iface().toLowerCase(Locale.ROOT)).distinct().count();
            if (interfaces > 1) {
                return new Resolved.No<>("VHID " + vhid + " exists on " + interfaces
                        + " interfaces of the backup; name the interface in the VHID map");
            }
            // Several CARP VIPs on one interface with one VHID arise only beside a No XMLRPC sync one (OPNsense
            // refuses a second CARP VIP for an interface and VHID; more addresses are IP aliases with the VHID,
            // skipped when read): they share one CARP state, and the first is taken.
            return new Resolved.Yes<>(candidates.get(0).uuid());
        }

        /**
         * The backup's internal name ({@code opt2}) of an interface the admin may name by its description
         * ({@code WAN2}), as the VIPs of this VHID show it; the name as given when it is no description of theirs.
         */
        public String internalName(String iface, int vhid) {
            return vips.stream().filter(v -> v.vhid() == vhid && !v.iface().equalsIgnoreCase(iface)
                            && vipOnInterface(v, iface)).map(BackupVip::iface).findFirst().orElse(iface);
        }

        /**
         * The uuid of the backup's own CARP VIP with this VHID that a restore carrying other VIPs leaves in place: one
         * marked "No XMLRPC sync" on the backup. Any other is dropped by that restore, so an item pointed at it would
         * follow a VIP the backup no longer has (and come up whatever CARP says).
         */
        public Resolved<String> backupVipKeptUuid(int vhid, Optional<String> iface) {
            Resolved<String> any = backupVipUuid(vhid, iface);
            if (any instanceof Resolved.No<String>) {
                return any;
            }
            return vips.stream()
                    .filter(v -> v.vhid() == vhid && v.nosync())
                    .filter(v -> iface.map(i -> vipOnInterface(v, i)).orElse(true))
                    .findFirst().<Resolved<String>>map(v -> new Resolved.Yes<>(v.uuid()))
                    .orElseGet(() -> new Resolved.No<>("this restore replaces the backup's VIPs and carries none for VHID "
                            + vhid + on(iface) + ", and the backup's own VIP for it (" + ((Resolved.Yes<String>) any).value()
                            + ") is not marked No XMLRPC sync there, so the backup drops it (mark that VIP No XMLRPC sync "
                            + "on the backup, or let the master sync its VIP)"));
        }

        private boolean vipOnInterface(BackupVip vip, String iface) {
            if (vip.iface().equalsIgnoreCase(iface)) {
                return true;
            }
            return states.stream().anyMatch(s -> s.vhid() == vip.vhid()
                    && s.address().equals(vip.address())
                    && s.ifaceDescription().equalsIgnoreCase(iface));
        }

        private boolean stateOnInterface(VipState state, String iface) {
            if (state.ifaceDescription().equalsIgnoreCase(iface)) {
                return true;
            }
            return vips.stream().anyMatch(v -> v.vhid() == state.vhid()
                    && v.address().equals(state.address())
                    && v.iface().equalsIgnoreCase(iface));
        }

        private static String on(Optional<String> iface) {
            return iface.map(i -> " on interface " + i).orElse("");
        }
    }

    /** A lookup that either found its answer or says why not, in words fit for the decision log. */
    sealed interface Resolved<T> {
        record Yes<T>(T value) implements Resolved<T> {}

        record No<T>(String reason) implements Resolved<T> {}
    }
}
