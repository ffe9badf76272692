package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import io.carpgate.sim.SimulatedBackup;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the watch says over real TLS and HTTP against the simulated backup, where it said the wrong thing before: a
 * running DHCPv6 relay, or a relay following another interface's VIP, called down; a standing conflict called cleared
 * when carpgate only lost the item's VHID; a large routing table that blinded the whole watch; and a tunnel up on the
 * backup that carpgate never saw in a sync, not named at all (each as OPNsense's own code does, see each test).
 */
@EndToEnd
class WatchBlindSpotsEndToEndTest extends WatchingPair {
    private static final String RELAY_SERIES = "carpgate_backup_conflicts{item=\"lan\",kind=\"dhcrelay\","
            + "pair=\"default\"}";

    @TempDir
    Path dir;

    /**
     * dhcrelay.inc dhcrelay_configure_id(): a relay whose destination is IPv6 runs /usr/local/sbin/dhcrelay6, which
     * listens on sockets: netstat -B shows nothing of it. The relay runs on the MASTER, and the watch called it down;
     * now a relay to an IPv6 destination is not judged.
     */
    @Test
    void aDhcpv6RelayRunningOnTheMasterIsNoConflict() throws Exception {
        watching(Pair.start(dir, "watch: {interval: 1s}\n", null));
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-three-kinds-relay6");
        pair.backup.setCarpStatus(2, "lan", CarpStatus.MASTER); // the CARP hook starts the relay
        assertThat(pair.backup.relaysRunning()).contains(ItemKindsEndToEndTest.RELAY);
        awaitReads(3);

        assertThat(warnings("conflict on the backup: ")).as("the DHCPv6 relay runs").isEmpty();
        assertThat(metrics()).contains(RELAY_SERIES + " 0.0");
    }

    /**
     * A restore the backup read but whose answer was lost puts the items in doubt (VHID unknown). Nothing changed on
     * the backup, wg0 still UP while BACKUP; the watch said the conflict cleared.
     */
    @Test
    void aStandingConflictIsNotClearedWhenCarpgateLosesTheItemsVhid() throws Exception {
        watching(Pair.start(dir, "watch: {interval: 1s}\n", null));
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-three-kinds");
        pair.backup.network().route("10.77.0.0/24", "wg0");
        assertThat(pair.backup.startOnOwnGui(ItemKindsEndToEndTest.WG0)).isTrue();
        Awaitility.await("the conflict").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> !warnings("conflict on the backup: ").isEmpty());

        pair.backup.cutAfterReading(SimulatedBackup.Cut.CLOSE);
        try {
            PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "restore-three-kinds");
        } catch (IllegalStateException expected) {
            // the master sees the cut connection
        }
        pair.backup.cutAfterReading(SimulatedBackup.Cut.NONE);
        awaitReads(3);

        assertThat(pair.backup.wireguardUp()).as("wg0 is still up").contains(ItemKindsEndToEndTest.WG0);
        assertThat(warnings("conflict on the backup cleared")).as("nothing was resolved on the backup").isEmpty();
    }

    /**
     * get_routes returns the whole table (show_routes.py parses all of netstat -rW, no limit or paging). A backup
     * with some 30,000 routes (a BGP partial table via os-frr, ~180 bytes a row) answers more than WatchReader's 4 MiB
     * bound, and WatchReader.combine fails the whole read: the watch goes blind to wg0 UP while BACKUP, although
     * the routes only name the networks in the message.
     */
    @Test
    void aLargeRoutingTableDoesNotBlindTheWatch() throws Exception {
        watching(Pair.start(dir, "watch: {interval: 1s}\n", null));
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-three-kinds");
        for (int i = 0; i < 30_000; i++) {
            pair.backup.network().route("10." + (i / 256) % 256 + "." + i % 256 + ".0/24", "vtnet1");
        }
        pair.backup.network().route("10.77.0.0/24", "wg0");
        assertThat(pair.backup.startOnOwnGui(ItemKindsEndToEndTest.WG0)).isTrue();
        awaitReads(3);

        assertThat(warnings("the watch cannot read the backup (")).as("the read of a large table").isEmpty();
        assertThat(warnings("the watch cannot read the backup's routing table")).singleElement().asString()
                .contains("more than carpgate reads of one answer");
        assertThat(warnings("conflict on the backup: ")).as("wg0 UP while BACKUP").isNotEmpty();
    }

    /**
     * DHCRelay.xml: carp_depend_on is any CARP VIP. A relay on LAN that follows the WAN2 VIP (VHID 7) runs on LAN's
     * device once VHID 7 is MASTER; the watch looks for it on WAN2's device and called it down.
     */
    @Test
    void aRelayFollowingAVipOnAnotherInterfaceIsJudgedWhereItListens() throws Exception {
        watching(Pair.start(dir, "watch: {interval: 1s}\n", null));
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD,
                "reconfigure-all-three-kinds-relay-follows-wan2");
        pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        assertThat(pair.backup.relaysRunning()).contains(ItemKindsEndToEndTest.RELAY);
        awaitReads(3);

        assertThat(warnings("conflict on the backup: ")).as("the relay runs on LAN").isEmpty();
        assertThat(metrics()).contains(RELAY_SERIES + " 0.0");
    }

    /**
     * The black hole whatever caused it: the config reached the backup without carpgate (synced before carpgate was
     * in the path, or carpgate's memory lost), and wg0 was started on the backup's own GUI while it is BACKUP for
     * every VHID. wg0 is UP and routes 10.77.0.0/24 into it; carpgate showed nothing at all. Now it is a conflict: a
     * tunnel nobody claims, up on a backup MASTER for no VHID.
     */
    @Test
    void aTunnelUpOnTheBackupFromAConfigCarpgateNeverSawIsShown() throws Exception {
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                .withApiCredentials(Pair.API_KEY, Pair.API_SECRET));
        PythonMaster.run(backup.baseUrl() + "/", Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-three-kinds");
        backup.network().route("10.77.0.0/24", "wg0");
        assertThat(backup.startOnOwnGui(ItemKindsEndToEndTest.WG0)).isTrue();
        watching(Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(), "watch: {interval: 1s}\n",
                null));
        awaitReads(3);

        String page = http.get(admin("/")).text();
        assertThat(page).as("wg0 is UP with routes on a node that is BACKUP for every VHID").contains("wg0",
                "10.77.0.0/24", "MASTER for no VHID");
        assertThat(warnings("conflict on the backup: wg0 (a WireGuard instance carpgate has not seen")).hasSize(1);
    }

    /**
     * On 25.7 (and 26.1 before 26.1.9) Diagnostics: Netstat does not cover get_bpf_statistics, and no read-only
     * privilege does: the key gets 403 there. That failed the whole read, and the watch told the admin to add a
     * privilege the user already had. Now the relays are not judged, said once, and the tunnels still are.
     */
    @Test
    void onAReleaseWhoseNetstatPrivilegeDoesNotCoverTheRelaysTheTunnelsAreStillWatched() throws Exception {
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                .withApiCredentials(Pair.API_KEY, Pair.API_SECRET)
                .withRelease(io.carpgate.sim.OpnsenseRelease.V25_7));
        watching(Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(), "watch: {interval: 1s}\n",
                null));
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-three-kinds");
        pair.backup.network().route("10.77.0.0/24", "wg0");
        assertThat(pair.backup.startOnOwnGui(ItemKindsEndToEndTest.WG0)).isTrue();
        org.awaitility.Awaitility.await("the conflict").atMost(DEADLINE).pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> !warnings("conflict on the backup: wg0").isEmpty());

        assertThat(warnings("the watch cannot read the backup (")).as("no read failed as a whole").isEmpty();
        assertThat(warnings("the watch cannot see the backup's DHCP relays")).as("said once").hasSize(1);
    }
}
