package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carpgate.carp.CarpStatus;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reported scenario for every kind of item with a CARP dependency, end to end: Python's xmlrpc.client as the
 * master runs "Synchronize and reconfigure all" with a WireGuard instance, an OpenVPN client, an OpenVPN server and
 * a DHCP relay (src/test/resources/opnsense-items/restore.three-kinds.request.xml) through a running carpgate to
 * the simulated backup while it is CARP BACKUP, with VIP sync on and off; then the backup becomes MASTER.
 */
@EndToEnd
class ItemKindsEndToEndTest {
    static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    static final String MASTER_VIP2 = "a1b2c3d4-0000-4000-8000-0000000000a2";
    static final String BACKUP_VIP7 = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    static final String BACKUP_VIP2 = "0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f";
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String CLIENT = "6c1f7a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
    static final String SERVER = "7d2e8b3f-4c5e-4f60-9bac-1d2e3f405b6c";
    static final String RELAY = "9f40ad51-6e70-4182-bdce-3f4051627d8e";

    /** With VIP sync off only the map can tell the VHIDs: one section per kind. */
    static final String MAP = "wireguard:\n  wg0-branches: {vhid: 7, interface: opt2}\n"
            + "openvpn:\n  branch-client: {vhid: 7}\n"
            + "dhcrelay:\n  " + RELAY + ": {vhid: 2, interface: lan}\n";

    @TempDir
    Path dir;
    Pair pair;
    final RawHttps http = new RawHttps();

    @AfterEach
    void stop() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

    private JsonNode master(String scenario) throws Exception {
        return PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, scenario);
    }

    private static String answer(JsonNode run, String service, String id) {
        for (JsonNode call : run.get("calls")) {
            JsonNode params = call.get("params");
            if (call.get("method").asText().equals("opnsense.restart_service")
                    && params.get(0).get("service").asText().equals(service)
                    && params.get(0).get("id").asText().equals(id)) {
                return call.get("answer").asText();
            }
        }
        throw new AssertionError("no restart of " + service + " " + id + " in " + run);
    }

    private void backupBecomesMaster() {
        pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        pair.backup.setCarpStatus(2, "lan", CarpStatus.MASTER);
    }

    /** carpgate's decision on the restart of {@code id}, once its exchange has finished. */
    private CallOutcome decision(String id) {
        return pair.exchanges.awaitCall("the restart of " + id, c -> c.id().equals(Optional.of(id)));
    }

    @Test
    void on25_7WithVipSyncTheOpenVpnClientComesUpStraightOnTheBackupAndCarpgateAloneKeepsItDown() throws Exception {
        // Runs against OPNsense 25.7.11: ovpn_service_control.php reads CARP only for "configure", so a restart
        // starts the client on a BACKUP even though its carp_depend_on names a VIP the backup has.
        io.carpgate.sim.SimulatedBackup.Options v25 = io.carpgate.sim.SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD).withApiCredentials(Pair.API_KEY, Pair.API_SECRET)
                .withRelease(io.carpgate.sim.OpnsenseRelease.V25_7);
        try (io.carpgate.sim.SimulatedBackup straight = io.carpgate.sim.SimulatedBackup.start(v25)) {
            PythonMaster.run(straight.baseUrl() + "/", Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-three-kinds");
            assertThat(straight.openvpnRunning()).as("straight to the backup").containsExactlyInAnyOrder(CLIENT, SERVER);
            assertThat(straight.wireguardUp()).isEmpty();
        }
        io.carpgate.sim.SimulatedBackup backup = io.carpgate.sim.SimulatedBackup.start(v25);
        pair = Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(), "", null);
        JsonNode run = master("reconfigure-all-three-kinds");
        assertThat(answer(run, "openvpn", CLIENT)).contains("carpgate suppressed", "BACKUP for VHID 7");
        assertThat(pair.backup.openvpnRunning()).as("through carpgate").containsExactly(SERVER);
    }

    /** Runs against the simulator's default release, 26.7.2 (the same on 26.1.11; 25.7.11: the test above). */
    @Test
    void withVipSyncNothingThatFollowsCarpStartsOnTheBackupAndEverythingDoesOnceItIsMaster() throws Exception {
        pair = Pair.start(dir, "", null);
        JsonNode run = master("reconfigure-all-three-kinds");

        assertThat(answer(run, "wireguard", WG0)).contains("carpgate suppressed", "WireGuard instance wg0-branches",
                "BACKUP for VHID 7");
        assertThat(answer(run, "openvpn", CLIENT)).contains("carpgate suppressed", "OpenVPN instance branch-client",
                "BACKUP for VHID 7");
        assertThat(answer(run, "openvpn", SERVER)).contains("has been restarted"); // a server ignores CARP
        assertThat(answer(run, "dhcrelay", RELAY)).contains("has been restarted"); // it keeps itself down
        // The VIPs arrive in the same restore with the master's uuids: those are right and reach the backup as sent.
        assertThat(pair.backup.openvpnInstances().get(CLIENT).carpDependOn()).isEqualTo(MASTER_VIP7);
        assertThat(pair.backup.dhcpRelays().get(RELAY).carpDependOn()).isEqualTo(MASTER_VIP2);
        assertThat(pair.backup.wireguardUp()).isEmpty();
        assertThat(pair.backup.openvpnRunning()).containsExactly(SERVER);
        assertThat(pair.backup.relaysRunning()).isEmpty();

        backupBecomesMaster();
        assertThat(pair.backup.wireguardUp()).containsExactly(WG0);
        assertThat(pair.backup.openvpnRunning()).containsExactlyInAnyOrder(CLIENT, SERVER);
        assertThat(pair.backup.relaysRunning()).containsExactly(RELAY);

        CallOutcome client = decision(CLIENT);
        assertThat(client.kind()).contains("openvpn");
        assertThat(client.action()).isEqualTo(Action.SUPPRESSED);
        assertThat(decision(RELAY).kind()).contains("dhcrelay");
        assertThat(decision(RELAY).action()).isEqualTo(Action.FORWARDED);
        assertThat(decision(SERVER).action()).isEqualTo(Action.FORWARDED);
        // The decision log names the kind of each call's items.
        assertThat(pair.awaitLog("decisions.jsonl", "\"kind\":\"dhcrelay\""))
                .contains("\"id\":\"" + CLIENT + "\",\"kind\":\"openvpn\",\"instance\":\"branch-client");
    }

    /** Default release, 26.7.2; with VIP sync off the backup does the same on 25.7.11 and 26.1.11. */
    @Test
    void withoutVipSyncEachKindIsPointedAtTheBackupsOwnVipAndFailsOverWithIt() throws Exception {
        pair = Pair.start(dir, "", MAP);
        JsonNode run = master("reconfigure-all-three-kinds-no-vip-sync");

        assertThat(pair.backup.wireguardInstances().get(WG0).carpDependOn()).isEqualTo(BACKUP_VIP7);
        assertThat(pair.backup.openvpnInstances().get(CLIENT).carpDependOn()).isEqualTo(BACKUP_VIP7);
        assertThat(pair.backup.dhcpRelays().get(RELAY).carpDependOn()).isEqualTo(BACKUP_VIP2);
        assertThat(pair.backup.openvpnInstances().get(SERVER).carpDependOn()).as("a server's is left as sent")
                .isEqualTo(MASTER_VIP7);
        assertThat(answer(run, "openvpn", CLIENT)).contains("carpgate suppressed");
        assertThat(pair.backup.wireguardUp()).isEmpty();
        assertThat(pair.backup.openvpnRunning()).containsExactly(SERVER);
        assertThat(pair.backup.relaysRunning()).isEmpty();

        backupBecomesMaster();
        assertThat(pair.backup.wireguardUp()).containsExactly(WG0);
        assertThat(pair.backup.openvpnRunning()).containsExactlyInAnyOrder(CLIENT, SERVER);
        assertThat(pair.backup.relaysRunning()).as("the relay fails over").containsExactly(RELAY);

        CallOutcome restore = pair.exchanges.awaitCall("opnsense.restore_config_section", "rewritten");
        assertThat(restore.kind()).contains("wireguard,openvpn,dhcrelay");
        assertThat(restore.reason()).contains(
                "OpenVPN instance branch-client: carp_depend_on " + MASTER_VIP7 + " -> " + BACKUP_VIP7,
                "DHCP relay lan: carp_depend_on " + MASTER_VIP2 + " -> " + BACKUP_VIP2);
        decision(WG0); // the last call of the run: every exchange has finished
        String wireguardSuppressed =
                "carpgate_suppressed_starts_total{kind=\"wireguard\",mode=\"enforce\",pair=\"default\"} 1.0";
        assertThat(pair.log("decisions.jsonl") + pair.log("access.log") + pair.console)
                .doesNotContain("never-log", "example-carp-secret");
        assertThat(awaitMetrics(wireguardSuppressed)).contains("carpgate_suppressed_starts_total{kind=\"openvpn\",mode=\"enforce\",pair=\"default\"} 1.0",
                wireguardSuppressed);
    }

    /** Metrics are counted when an exchange finishes, just after its answer: wait for the last call's. */
    private String awaitMetrics(String expected) {
        URI metrics = URI.create("http://127.0.0.1:" + pair.carpgate.admin().orElseThrow().port() + "/metrics");
        return Awaitility.await("metrics with " + expected).atMost(ExchangeRecorder.DEADLINE)
                .pollInterval(Duration.ofMillis(20)).until(() -> http.get(metrics).text(), t -> t.contains(expected));
    }

    /** Default release, 26.7.2; with VIP sync off the backup does the same on 25.7.11 and 26.1.11. */
    @Test
    void withoutVipSyncOrMapTheRestoreIsRejectedAndNothingComesUpOnTheBackup() throws Exception {
        pair = Pair.start(dir, "", null);
        master("reconfigure-all-three-kinds-no-vip-sync");

        // Stored as sent, the instance and the client would follow VIPs the backup does not have (see the test
        // below: without carpgate both come up on the BACKUP): not sent, the master is told why.
        assertThat(pair.exchanges.awaitCall("opnsense.restore_config_section", "rejected").reason()).contains(
                "WireGuard instance wg0-branches depends on VIP " + MASTER_VIP7,
                "OpenVPN instance branch-client depends on VIP " + MASTER_VIP7, "name its VHID in the VHID map");
        assertThat(pair.backup.restoresStored()).isZero();
        assertThat(pair.backup.wireguardUp()).isEmpty();
        assertThat(pair.backup.openvpnRunning()).isEmpty();
    }

    /** Default release, 26.7.2; with VIP sync off the backup does the same on 25.7.11 and 26.1.11. */
    @Test
    void withoutCarpgateTheClientRunsOnTheBackupAndTheRelayNeverFailsOver() throws Exception {
        pair = Pair.start(dir, "", null);
        PythonMaster.run(pair.backup.baseUrl() + "/", Pair.SYNC_USER, Pair.SYNC_PASSWORD,
                "reconfigure-all-three-kinds-no-vip-sync");
        assertThat(pair.backup.wireguardUp()).containsExactly(WG0);
        assertThat(pair.backup.openvpnRunning()).containsExactlyInAnyOrder(CLIENT, SERVER);
        backupBecomesMaster();
        assertThat(pair.backup.relaysRunning()).isEmpty();
        assertThat(Optional.ofNullable(pair.backup.dhcpRelays().get(RELAY)).map(r -> r.carpDependOn()))
                .contains(MASTER_VIP2);
    }

}
