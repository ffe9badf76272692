package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import io.carpgate.sim.OpnsenseRelease;
import io.carpgate.sim.SimVip;
import io.carpgate.sim.SimulatedBackup;
import io.carpgate.sim.WireguardStart;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore that carries only {@code virtualip} (WireGuard / OpenVPN sync unticked on the master, VIP sync on) changes
 * the VIPs the backup's items follow without carrying the items. Given an existing VIP another VHID (same uuid: the
 * master edited the VIP), every item following it has that VHID on the backup now, and its starts are decided on it,
 * not on the VHID carpgate learned before. One that drops the VIP items follow is rejected: stored, they would follow
 * no VIP, and the backup's own CARP hooks bring them up as BACKUP.
 */
@EndToEnd
class VipOnlyRestoreEndToEndTest {
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String CLIENT = "6c1f7a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
    static final String VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    /** A VIP the master adds for VHID 7 on opt2 once VIP7 has moved to VHID 8. */
    static final String NEW_VIP7 = "11111111-2222-4333-8444-555555555555";

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

    static String threeKinds() {
        try (InputStream in = VipOnlyRestoreEndToEndTest.class.getResourceAsStream(
                "/opnsense-items/restore.three-kinds.request.xml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The sections of a sync with only "Virtual IPs" ticked: VIP7 now has VHID 8, a new VIP takes VHID 7 on opt2, and
     * VIP2 stays as it was.
     */
    static byte[] vipOnlyRestore() {
        String full = threeKinds();
        String vips = full.substring(full.indexOf("  <member><name>virtualip</name>"),
                full.lastIndexOf("</struct></value></param>"));
        int vip7End = vips.indexOf("</struct></value>\n  <value><struct>") + "</struct></value>\n".length();
        String vip7 = vips.substring(vips.indexOf("  <value><struct>"), vip7End);
        String moved = vip7.replace("<name>vhid</name><value><string>7</string>",
                "<name>vhid</name><value><string>8</string>");
        String added = vip7.replace(VIP7, NEW_VIP7).replace("198.51.100.5", "198.51.100.6");
        vips = vips.replace(vip7, moved + added);
        String head = full.substring(0, full.indexOf("<param><value><struct>") + "<param><value><struct>\n".length());
        return (head + vips + "</struct></value></param>\n</params></methodCall>\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Only "Virtual IPs" ticked: the master re-created its VHID 7 VIP (a new uuid), VIP7 is gone. */
    static byte[] vipOnlyRestoreDroppingVip7() {
        String full = threeKinds();
        String vips = full.substring(full.indexOf("  <member><name>virtualip</name>"),
                full.lastIndexOf("</struct></value></param>"));
        vips = vips.replace(VIP7, NEW_VIP7);
        String head = full.substring(0, full.indexOf("<param><value><struct>") + "<param><value><struct>\n".length());
        return (head + vips + "</struct></value></param>\n</params></methodCall>\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] control(String action, String service, String id) {
        return ("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>opnsense." + action + "_service</methodName>\n"
                + "<params>\n<param><value><struct>\n"
                + "  <member><name>service</name><value><string>" + service + "</string></value></member>\n"
                + "  <member><name>id</name><value><string>" + id + "</string></value></member>\n"
                + "</struct></value></param>\n</params></methodCall>\n").getBytes(StandardCharsets.UTF_8);
    }

    RawHttps.Answer post(byte[] body) throws Exception {
        URI uri = pair.carpgate("/xmlrpc.php");
        return http.post(uri, RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), body);
    }

    @Test
    void aVipOnlyRestoreThatMovesTheItemsVipToAnotherVhidHasTheirStartsDecidedOnTheNewVhid() throws Exception {
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                .withApiCredentials(Pair.API_KEY, Pair.API_SECRET)
                .withRelease(OpnsenseRelease.V25_7));
        pair = Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(), "", null);

        // A full sync: WireGuard, OpenVPN, DHCP relay and VIPs. wg0 and the OpenVPN client follow VIP7 (VHID 7, opt2).
        RawHttps.Answer full = post(threeKinds().getBytes(StandardCharsets.UTF_8));
        assertThat(full.text()).contains("<boolean>1</boolean>");
        assertThat(backup.wireguardInstances().get(WG0).carpDependOn()).isEqualTo(VIP7);

        // The admin unticks WireGuard and OpenVPN sync and edits VIP7's VHID (7 -> 8; a new VIP takes VHID 7).
        RawHttps.Answer vipsOnly = post(vipOnlyRestore());
        assertThat(vipsOnly.text()).contains("<boolean>1</boolean>");
        assertThat(backup.vips()).filteredOn(v -> v.uuid().equals(VIP7)).extracting(SimVip::vhid).containsExactly(8);

        // The backup is MASTER for VHID 7 but BACKUP for VHID 8, which wg0 and the client now follow there.
        backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        backup.setCarpStatus(8, "opt2", CarpStatus.BACKUP);

        post(control("start", "openvpn", CLIENT));
        CallOutcome client = pair.exchanges.awaitCall("the start of the client", c -> c.id().equals(Optional.of(CLIENT)));
        post(control("restart", "wireguard", WG0));
        CallOutcome wg = pair.exchanges.awaitCall("the restart of wg0", c -> c.id().equals(Optional.of(WG0)));

        assertThat(backup.openvpnRunning())
                .as("OpenVPN client %s follows VIP7, VHID 8, BACKUP on the backup; carpgate decided %s: %s", CLIENT,
                        client.action(), client.reason())
                .doesNotContain(CLIENT);
        assertThat(backup.wireguardStarts()).as("wg0's restart: carpgate decided %s: %s", wg.action(), wg.reason())
                .allMatch(WireguardStart::onMaster);
        assertThat(wg.action()).isNotEqualTo(Action.FORWARDED);
    }

    @Test
    void aVipOnlyRestoreThatDropsTheVipItemsFollowIsRejected() throws Exception {
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                .withApiCredentials(Pair.API_KEY, Pair.API_SECRET));
        pair = Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(), "", null);
        assertThat(post(threeKinds().getBytes(StandardCharsets.UTF_8)).text()).contains("<boolean>1</boolean>");
        assertThat(backup.wireguardInstances().get(WG0).carpDependOn()).isEqualTo(VIP7);

        RawHttps.Answer vipsOnly = post(vipOnlyRestoreDroppingVip7());
        CallOutcome restore = pair.exchanges.awaitCall("the VIP-only restore",
                c -> c.method().equals("opnsense.restore_config_section") && c.action() == Action.REJECTED);
        assertThat(vipsOnly.text()).as("the master is told, with what to do").contains("faultCode",
                "which this restore drops", "sync WireGuard instances with the VIPs");
        assertThat(backup.vips()).extracting(SimVip::uuid).as("the backup keeps the VIPs it had").contains(VIP7);

        // The backup's own CARP hook for VHID 7 (it stays BACKUP) now finds wg0 following no VIP of its own.
        backup.setCarpStatus(7, "opt2", CarpStatus.BACKUP);
        assertThat(backup.vips()).extracting(SimVip::uuid)
                .as("carpgate %s the VIP-only restore (%s); the backup answered %s; wg0 follows %s", restore.action(),
                        restore.reason(), vipsOnly.text().contains("<boolean>1</boolean>") ? "true" : vipsOnly.text(),
                        backup.wireguardInstances().get(WG0).carpDependOn())
                .contains(backup.wireguardInstances().get(WG0).carpDependOn());
    }
}
