package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import io.carpgate.policy.CallOutcome;
import io.carpgate.sim.OpnsenseRelease;
import io.carpgate.sim.SimulatedBackup;
import io.carpgate.sim.WireguardStart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When carpgate starts without what it knew of the pair (a state folder it does not trust, so the memory lived in the
 * process only; likewise a file it cannot read), a start of an item the VHID map names by uuid was decided on the map
 * as it is NOW. The map says what carpgate will write into the NEXT restore; the backup still follows what the last
 * one stored. An admin who edited the map and restarted got starts decided on a VHID the backup's items do not follow
 * yet. Now such items are in doubt until a restore carrying them is seen stored.
 */
@EndToEnd
class LostMemoryMapEndToEndTest {
    static final String WG0 = VipOnlyRestoreEndToEndTest.WG0;
    static final String CLIENT = VipOnlyRestoreEndToEndTest.CLIENT;
    static final String VIP2 = "a1b2c3d4-0000-4000-8000-0000000000a2";
    static final String MAP_2 = "wireguard:\n  " + WG0 + ": {vhid: 2, interface: lan}\n"
            + "openvpn:\n  " + CLIENT + ": {vhid: 2, interface: lan}\n";
    static final String MAP_7 = "wireguard:\n  " + WG0 + ": {vhid: 7, interface: opt2}\n"
            + "openvpn:\n  " + CLIENT + ": {vhid: 7, interface: opt2}\n";

    @TempDir
    Path dir;
    Pair pair;
    final RawHttps http = new RawHttps();

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    RawHttps.Answer post(byte[] body) throws Exception {
        return http.post(pair.carpgate("/xmlrpc.php"), RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), body);
    }

    @Test
    void afterARestartWithoutTheMemoryStartsOfTheMapsItemsAreInDoubtUntilTheNextSync() throws Exception {
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                .withApiCredentials(Pair.API_KEY, Pair.API_SECRET)
                .withRelease(OpnsenseRelease.V25_7));
        pair = Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(), "", MAP_2);
        // A state folder its group may write (a volume created with umask 002): carpgate warns and keeps the
        // memory in the process only.
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwx---"));

        // The sync: the map points wg0 and the client at VHID 2; carpgate rewrites both to VIP2.
        RawHttps.Answer sync = post(VipOnlyRestoreEndToEndTest.threeKinds().getBytes(StandardCharsets.UTF_8));
        assertThat(sync.text()).contains("<boolean>1</boolean>");
        assertThat(backup.openvpnInstances().get(CLIENT).carpDependOn()).isEqualTo(VIP2);
        assertThat(backup.wireguardInstances().get(WG0).carpDependOn()).isEqualTo(VIP2);

        // The admin edits the map (VHID 7 from the next sync on) and restarts carpgate; no sync yet.
        Files.writeString(dir.resolve("vhid-map.yml"), MAP_7);
        pair = pair.restarted();
        backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        backup.setCarpStatus(2, "lan", CarpStatus.BACKUP);

        post(VipOnlyRestoreEndToEndTest.control("start", "openvpn", CLIENT));
        CallOutcome client = pair.exchanges.awaitCall("the start of the client", c -> c.id().equals(Optional.of(CLIENT)));
        post(VipOnlyRestoreEndToEndTest.control("restart", "wireguard", WG0));
        CallOutcome wg = pair.exchanges.awaitCall("the restart of wg0", c -> c.id().equals(Optional.of(WG0)));

        assertThat(backup.openvpnRunning())
                .as("the client follows VIP2 (VHID 2, BACKUP) on the backup; carpgate decided %s: %s",
                        client.action(), client.reason())
                .doesNotContain(CLIENT);
        assertThat(backup.wireguardStarts()).as("wg0: carpgate decided %s: %s", wg.action(), wg.reason())
                .allMatch(WireguardStart::onMaster);
        assertThat(client.reason()).contains("started without what it knew of this pair");

        // The next sync is the fix: stored, the items follow VHID 7's VIP, which is MASTER.
        assertThat(post(VipOnlyRestoreEndToEndTest.threeKinds().getBytes(StandardCharsets.UTF_8)).text())
                .contains("<boolean>1</boolean>");
        post(VipOnlyRestoreEndToEndTest.control("start", "openvpn", CLIENT));
        CallOutcome after = pair.exchanges.awaitCall("the start after the sync",
                c -> c.id().equals(Optional.of(CLIENT)) && c != client);
        assertThat(after.action()).as(after.reason()).isEqualTo(io.carpgate.policy.Action.FORWARDED);
    }
}
