package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import io.carpgate.sim.ReceivedCall;
import io.carpgate.watch.BackupWatch;
import io.carpgate.watch.WatchReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * carpgate's read-only watch of the backup, end to end: the simulated backup produces each conflict (a WireGuard
 * instance and an OpenVPN client started on its own GUI while it is BACKUP, with routes into them; a DHCP relay
 * that does not run while it is MASTER); each is named (one WARNING), shown (the metric, a red row on the status
 * page, check), kept quiet over several reads, and cleared (one WARNING); and the watch never wrote to the backup.
 */
@EndToEnd
class WatchEndToEndTest extends WatchingPair {
    private static final String WG_SERIES = "carpgate_backup_conflicts{item=\"wg0-branches\",kind=\"wireguard\","
            + "pair=\"default\"}";
    private static final String CLIENT_SERIES = "carpgate_backup_conflicts{item=\"branch-client\",kind=\"openvpn\","
            + "pair=\"default\"}";
    private static final String RELAY_SERIES = "carpgate_backup_conflicts{item=\"lan\",kind=\"dhcrelay\","
            + "pair=\"default\"}";

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        watching(Pair.start(dir, "watch: {interval: 1s}\n", null));
        // The three kinds, with VIP sync: carpgate learns each item's VHID and interface while the backup is BACKUP.
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-three-kinds");
    }

    @Test
    void aStartOnTheBackupsOwnGuiWhileBackupIsNamedOnceShownEverywhereAndClearedOnce() throws Exception {
        awaitReads(2);
        // Every known item has its series from the start, at 0: the backup keeps wg0 down and its routes are no conflict.
        pair.backup.network().route("10.77.0.0/24", "wg0");
        awaitReads(1);
        assertThat(metrics()).contains(WG_SERIES + " 0.0", CLIENT_SERIES + " 0.0", RELAY_SERIES + " 0.0",
                "carpgate_watch_errors_total{pair=\"default\"} 0.0");

        assertThat(pair.backup.startOnOwnGui(ItemKindsEndToEndTest.WG0)).isTrue();
        awaitMetrics("the WireGuard conflict in the metric", m -> m.contains(WG_SERIES + " 1.0"));
        assertThat(warnings("conflict on the backup: ")).singleElement().asString().contains(
                "pair default", "wg0 (WireGuard instance wg0-branches) is UP on the backup and routes 10.77.0.0/24 "
                        + "into it while the backup is BACKUP for VHID 7");

        String page = http.get(admin("/")).text();
        assertThat(page).contains("<tr class=\"conflict\"><td>default</td><td>wg0 (WireGuard instance wg0-branches) is UP",
                "since ");
        assertThat(page.indexOf("class=\"conflict\"")).as("the red row is at the top").isLessThan(
                page.indexOf("class=\"overview\""));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = io.carpgate.cli.Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute("check", "--config", dir.resolve("carpgate.yml").toString());
        assertThat(out.toString()).contains("CONFLICTS ON THE BACKUP:", "wireguard wg0-branches: wg0 (WireGuard "
                + "instance wg0-branches) is UP on the backup and routes 10.77.0.0/24 into it");
        assertThat(status).isEqualTo(1);

        // Standing over several reads, and across a reload (a new runtime, the same book): still one WARNING,
        // the same since-when on the page.
        String since = page.substring(page.indexOf("since "), page.indexOf("since ") + 30);
        awaitReads(2);
        assertThat(pair.carpgate.reload(java.util.Map.of())).isInstanceOf(io.carpgate.runtime.Carpgate.ReloadResult.Applied.class);
        awaitReads(3);
        assertThat(warnings("conflict on the backup: ")).hasSize(1);
        assertThat(warnings("conflict on the backup cleared")).isEmpty();
        assertThat(http.get(admin("/")).text()).contains(since);

        // The OpenVPN client too (its device ovpnc1), then the backup becomes MASTER for VHID 7: both clear, once.
        assertThat(pair.backup.startOnOwnGui(ItemKindsEndToEndTest.CLIENT)).isTrue();
        awaitMetrics("the OpenVPN conflict in the metric", m -> m.contains(CLIENT_SERIES + " 1.0"));
        assertThat(warnings("conflict on the backup: ")).hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("ovpnc1 (OpenVPN instance branch-client) is UP"));
        pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        awaitMetrics("both cleared", m -> m.contains(WG_SERIES + " 0.0") && m.contains(CLIENT_SERIES + " 0.0"));
        awaitReads(3);
        assertThat(warnings("conflict on the backup cleared")).hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("wg0 (WireGuard instance wg0-branches)"));
        assertThat(warnings("conflict on the backup: ")).hasSize(2);
        assertThat(http.get(admin("/")).text()).doesNotContain("class=\"conflict\"");

        assertNoWriteFromTheWatch();
    }

    @Test
    void aRelayThatDoesNotRunWhileMasterIsAConflictUntilItRunsAgain() throws Exception {
        pair.backup.setCarpStatus(2, "lan", CarpStatus.MASTER); // the CARP hook starts the relay
        awaitReads(2);
        assertThat(pair.backup.relaysRunning()).contains(ItemKindsEndToEndTest.RELAY);
        assertThat(metrics()).contains(RELAY_SERIES + " 0.0");

        pair.backup.relayProcessEnded(ItemKindsEndToEndTest.RELAY);
        awaitMetrics("the relay conflict", m -> m.contains(RELAY_SERIES + " 1.0"));
        assertThat(warnings("conflict on the backup: ")).singleElement().asString()
                .contains("DHCP relay lan (on vtnet", "does not run while the backup is MASTER for VHID 2");
        awaitReads(3);
        assertThat(warnings("conflict on the backup: ")).hasSize(1);

        // A CARP change makes the backup configure its relays again: it runs, the conflict clears.
        pair.backup.setCarpStatus(2, "lan", CarpStatus.BACKUP);
        pair.backup.setCarpStatus(2, "lan", CarpStatus.MASTER);
        awaitMetrics("the relay conflict cleared", m -> m.contains(RELAY_SERIES + " 0.0"));
        assertThat(warnings("conflict on the backup cleared")).hasSize(1);
        assertNoWriteFromTheWatch();
    }

    @Test
    void failedReadsAreCountedAndSaidOnceThenTheWatchReadsAgain() throws Exception {
        awaitReads(1);
        pair.backup.setApiAvailable(false);
        awaitMetrics("watch errors counted", m -> m.lines().anyMatch(l ->
                l.startsWith("carpgate_watch_errors_total{pair=\"default\"}") && !l.endsWith(" 0.0")
                        && !l.endsWith(" 1.0")));
        assertThat(warnings("the watch cannot read the backup")).hasSize(1);
        pair.backup.setApiAvailable(true);
        awaitReads(1);
        assertThat(warnings("the watch cannot read the backup")).hasSize(1);
    }

    /**
     * OPNsense answers a wrong API key with a 401 that has no WWW-Authenticate header, which Jetty's client turns into
     * an exception: the watch says what the CARP reads say (the credentials refused), not the exception's words.
     */
    @Test
    void aWrongApiSecretIsSaidAsRefusedCredentials() throws Exception {
        awaitReads(1);
        java.nio.file.Files.writeString(dir.resolve("backup-api.txt"), Pair.API_KEY + ":not-the-secret\n");
        assertThat(pair.carpgate.reload(java.util.Map.of()))
                .isInstanceOf(io.carpgate.runtime.Carpgate.ReloadResult.Applied.class);
        Awaitility.await("the watch says why it cannot read").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> !warnings("the watch cannot read the backup").isEmpty());
        assertThat(warnings("the watch cannot read the backup")).singleElement().asString()
                .contains("backup API refused the credentials (HTTP 401)").doesNotContain("Exception")
                .doesNotContain("not-the-secret");
    }

    @Test
    void aStoredRestoreMakesTheWatchLookAFewSecondsLaterAndOffReadsNothing() throws Exception {
        pair.close();
        pair = Pair.start(java.nio.file.Files.createDirectories(dir.resolve("hourly")), "watch: {interval: 60m}\n",
                null);
        // The read at start (it may have landed already: counted from zero, not from now).
        Awaitility.await("the read at start").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> reads() >= 1);
        // Each stored restore is followed by one read within BackupWatch.AFTER_SYNC, not an hour later.
        long start = reads();
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-three-kinds");
        Awaitility.await("the read after the first sync").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> reads() >= start + 1);
        long before = reads();
        pair.backup.startOnOwnGui(ItemKindsEndToEndTest.WG0);
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-three-kinds");
        awaitMetrics("the conflict, named after the sync", m -> m.contains(WG_SERIES + " 1.0"));
        // The read after the sync saw it; the one that confirmed it came AFTER_SYNC later: two, not an hour's wait.
        assertThat(reads()).isEqualTo(before + 2);

        pair.close();
        pair = Pair.start(java.nio.file.Files.createDirectories(dir.resolve("off")), "watch: {interval: off}\n", null);
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-three-kinds");
        pair.backup.startOnOwnGui(ItemKindsEndToEndTest.WG0);
        assertThat(http.get(admin("/")).text()).contains("Watch: off");
        assertThat(metrics()).contains(WG_SERIES + " 0.0");
        assertThat(pair.backup.received()).noneMatch(c -> WatchReader.PATHS.contains(c.path()));
    }

    /** Everything the watch asked of the backup: GETs of the read-only endpoints, and no XML-RPC of its own. */
    private void assertNoWriteFromTheWatch() {
        List<ReceivedCall> api = pair.backup.received().stream().filter(c -> c.path().startsWith("/api/")).toList();
        assertThat(api).isNotEmpty().allSatisfy(c -> {
            assertThat(c.method()).isEqualTo("GET");
            assertThat(c.path()).isIn(concat(WatchReader.PATHS, List.of("/api/diagnostics/interface/get_vip_status",
                    "/api/interfaces/vip_settings/search_item")));
        });
        // The only XML-RPC is the master's run (its calls each went through carpgate's sync path).
        assertThat(pair.xmlrpcCalls()).allSatisfy(c -> assertThat(c.headers().get("User-Agent")).contains("Python"));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
