package io.carpgate.carp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

    /**
     * Both answers, indexed once when read: the backup's lists are a compromised backup's to choose (up to 4 MiB each,
     * some 50,000 rows), and every decision, status page and scrape looks rows up by VHID, interface and address, so
     * each lookup costs the rows of its VHID, never every row for every row.
     */
    final class Known implements CarpView {
        private final List<BackupVip> vips;
        private final List<VipState> states;
        private final Instant fetchedAt;
        private final Map<Integer, List<BackupVip>> vipsByVhid;
        private final Map<Integer, List<VipState>> statesByVhid;
        private final Map<String, BackupVip> vipByUuid;
        /** By {@code vhid|interface} (lower case; a VIP's internal name, a state's description) and {@code vhid|address}. */
        private final Map<String, List<BackupVip>> vipsByInterface;
        private final Map<String, List<BackupVip>> vipsByAddress;
        private final Map<String, List<VipState>> statesByInterface;
        private final Map<String, List<VipState>> statesByAddress;

        public Known(List<BackupVip> vips, List<VipState> states, Instant fetchedAt) {
            this.vips = List.copyOf(vips);
            this.states = List.copyOf(states);
            this.fetchedAt = fetchedAt;
            Map<Integer, List<BackupVip>> byVhid = new HashMap<>();
            Map<String, BackupVip> byUuid = new HashMap<>();
            Map<String, List<BackupVip>> vipAtInterface = new HashMap<>();
            Map<String, List<BackupVip>> vipAtAddress = new HashMap<>();
            for (BackupVip vip : this.vips) {
                byVhid.computeIfAbsent(vip.vhid(), k -> new ArrayList<>()).add(vip);
                byUuid.putIfAbsent(vip.uuid(), vip);
                vipAtInterface.computeIfAbsent(onInterface(vip.vhid(), vip.iface()), k -> new ArrayList<>()).add(vip);
                vipAtAddress.computeIfAbsent(atAddress(vip.vhid(), vip.address()), k -> new ArrayList<>()).add(vip);
            }
            Map<Integer, List<VipState>> stateByVhid = new HashMap<>();
            Map<String, List<VipState>> stateAtInterface = new HashMap<>();
            Map<String, List<VipState>> stateAtAddress = new HashMap<>();
            for (VipState state : this.states) {
                stateByVhid.computeIfAbsent(state.vhid(), k -> new ArrayList<>()).add(state);
                stateAtInterface.computeIfAbsent(onInterface(state.vhid(), state.ifaceDescription()),
                        k -> new ArrayList<>()).add(state);
                stateAtAddress.computeIfAbsent(atAddress(state.vhid(), state.address()), k -> new ArrayList<>()).add(state);
            }
            capAddresses(vipAtAddress);
            capAddresses(stateAtAddress);
            this.vipsByVhid = byVhid;
            this.statesByVhid = stateByVhid;
            this.vipByUuid = byUuid;
            this.vipsByInterface = vipAtInterface;
            this.vipsByAddress = vipAtAddress;
            this.statesByInterface = stateAtInterface;
            this.statesByAddress = stateAtAddress;
        }

        /**
         * The most rows of one list that one VHID and address join through: a real backup has one (two beside a No
         * XMLRPC sync copy). A compromised backup's thousands of rows at one address would make every lookup join
         * each with each; the rows past these stay in the lists, only the join by address ignores them.
         */
        static final int ROWS_PER_ADDRESS = 8;

        private static <T> void capAddresses(Map<String, List<T>> byAddress) {
            byAddress.replaceAll((key, rows) -> rows.size() <= ROWS_PER_ADDRESS ? rows
                    : List.copyOf(rows.subList(0, ROWS_PER_ADDRESS)));
        }

        public List<BackupVip> vips() {
            return vips;
        }

        public List<VipState> states() {
            return states;
        }

        public Instant fetchedAt() {
            return fetchedAt;
        }

        /** The backup's VIP with this uuid, if it has one now. */
        public Optional<BackupVip> vip(String uuid) {
            return Optional.ofNullable(vipByUuid.get(uuid));
        }

        /**
         * The backup's CARP status for a VHID. A VHID is unique only per interface, so {@code iface}
         * (internal name like {@code opt2} or description like {@code WAN2}) narrows the rows; without it
         * every row with the VHID must agree.
         */
        public Resolved<CarpStatus> statusOf(int vhid, Optional<String> iface) {
            Collection<VipState> rows = iface.isEmpty() ? statesByVhid.getOrDefault(vhid, List.of())
                    : statesOnInterface(vhid, iface.get());
            if (rows.isEmpty()) {
                return new Resolved.No<>("backup reports no CARP VIP with VHID " + vhid + on(iface));
            }
            Set<String> statuses = rows.stream()
                    .map(s -> s.status().trim().toUpperCase(Locale.ROOT))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            if (statuses.size() > 1) {
                return new Resolved.No<>("VHID " + vhid + on(iface) + " has differing states "
                        + statuses + " on the backup; name the interface in the VHID map");
            }
            String status = statuses.iterator().next();
            return CarpStatus.parse(status)
                    .<Resolved<CarpStatus>>map(Resolved.Yes::new)
                    .orElseGet(() -> new Resolved.No<>("backup reports unknown CARP status '" + status
                            + "' for VHID " + vhid));
        }

        /** The uuid of the backup's own CARP VIP with this VHID (on this interface, when given). */
        public Resolved<String> backupVipUuid(int vhid, Optional<String> iface) {
            List<BackupVip> candidates = iface.isEmpty() ? vipsByVhid.getOrDefault(vhid, List.of())
                    : List.copyOf(vipsOnInterface(vhid, iface.get()));
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
            return vipsOnInterface(vhid, iface).stream().filter(v -> !v.iface().equalsIgnoreCase(iface))
                    .map(BackupVip::iface).findFirst().orElse(iface);
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
            return (iface.isEmpty() ? vipsByVhid.getOrDefault(vhid, List.of()) : vipsOnInterface(vhid, iface.get()))
                    .stream().filter(BackupVip::nosync)
                    .findFirst().<Resolved<String>>map(v -> new Resolved.Yes<>(v.uuid()))
                    .orElseGet(() -> new Resolved.No<>("this restore replaces the backup's VIPs and carries none for VHID "
                            + vhid + on(iface) + ", and the backup's own VIP for it (" + ((Resolved.Yes<String>) any).value()
                            + ") is not marked No XMLRPC sync there, so the backup drops it (mark that VIP No XMLRPC sync "
                            + "on the backup, or let the master sync its VIP)"));
        }

        /**
         * The VIPs of a VHID on an interface named by internal name or by description: those of that name, and those
         * whose address a state row of that description has (the states name interfaces by description). In list order.
         */
        private Collection<BackupVip> vipsOnInterface(int vhid, String iface) {
            Set<BackupVip> found = new LinkedHashSet<>(vipsByInterface.getOrDefault(onInterface(vhid, iface), List.of()));
            for (VipState state : statesByInterface.getOrDefault(onInterface(vhid, iface), List.of())) {
                found.addAll(vipsByAddress.getOrDefault(atAddress(vhid, state.address()), List.of()));
            }
            return found;
        }

        /** The state rows of a VHID on an interface named by description or by internal name (through its VIPs). */
        private Collection<VipState> statesOnInterface(int vhid, String iface) {
            Set<VipState> found = new LinkedHashSet<>(statesByInterface.getOrDefault(onInterface(vhid, iface), List.of()));
            for (BackupVip vip : vipsByInterface.getOrDefault(onInterface(vhid, iface), List.of())) {
                found.addAll(statesByAddress.getOrDefault(atAddress(vhid, vip.address()), List.of()));
            }
            return found;
        }

        private static String onInterface(int vhid, String iface) {
            return vhid + "|" + iface.toLowerCase(Locale.ROOT);
        }

        private static String atAddress(int vhid, String address) {
            return vhid + "|" + address;
        }

        private static String on(Optional<String> iface) {
            return iface.map(i -> " on interface " + i).orElse("");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Known k && vips.equals(k.vips) && states.equals(k.states)
                    && fetchedAt.equals(k.fetchedAt);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(vips, states, fetchedAt);
        }

        @Override
        public String toString() {
            return "Known[" + vips.size() + " VIPs, " + states.size() + " states, fetched at " + fetchedAt + "]";
        }
    }

    /** A lookup that either found its answer or says why not, in words fit for the decision log. */
    sealed interface Resolved<T> {
        record Yes<T>(T value) implements Resolved<T> {}

        record No<T>(String reason) implements Resolved<T> {}
    }
}
