package io.carpgate.sim;

import io.carpgate.testkit.PinnedTls;
import io.carpgate.testkit.Fixtures;
import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import io.carpgate.e2e.EndToEnd;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated backup stores and starts OpenVPN instances and DHCP relays as OPNsense does (docs/PROTOCOL.md,
 * "Every item with a CARP dependency"), on restores shaped as a master sends them.
 */
@EndToEnd
class SimulatedItemsTest {
    static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    static final String MASTER_VIP2 = "a1b2c3d4-0000-4000-8000-0000000000a2";
    static final String BACKUP_VIP7 = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    static final String BACKUP_VIP2 = "0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f";
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String CLIENT = "6c1f7a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
    static final String SERVER = "7d2e8b3f-4c5e-4f60-9bac-1d2e3f405b6c";
    static final String CLIENT2 = "8e3f9c40-5d6f-4071-acbd-2e3f40516c7d";
    static final String RELAY4 = "9f40ad51-6e70-4182-bdce-3f4051627d8e";
    static final String RELAY6 = "a051be62-7f81-4293-8edf-405162738e9f";

    private SimulatedBackup backup;
    private HttpClient http;

    @BeforeEach
    void start() {
        backup = SimulatedBackup.start(SimulatedBackup.Options.defaults());
        http = HttpClient.newBuilder().sslContext(PinnedTls.context(backup.fingerprint()))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        backup.close();
    }

    private String post(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(backup.baseUrl().resolve("/xmlrpc.php"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "text/xml")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("root:sync-password".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
    }

    static String restore(String fixture) {
        return new String(Fixtures.items(fixture), StandardCharsets.UTF_8);
    }

    /** VIP sync off: the backup keeps its own VIPs, whose uuids differ from the master's. */
    static String withoutVips(String restore) {
        int at = restore.indexOf("  <member><name>virtualip</name>");
        return restore.substring(0, at) + restore.substring(restore.indexOf("</struct></value></param>"));
    }

    private String restart(String service, String id) throws Exception {
        return control("restart_service", service, id);
    }

    private String control(String method, String service, String id) throws Exception {
        return post("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>opnsense." + method + "</methodName>\n"
                + "<params>\n<param><value><struct>\n  <member><name>service</name><value><string>" + service
                + "</string></value></member>\n  <member><name>id</name><value><string>" + id
                + "</string></value></member>\n</struct></value></param>\n</params></methodCall>");
    }

    private void restartAll() throws Exception {
        for (String[] item : List.of(new String[] {"wireguard", WG0}, new String[] {"openvpn", CLIENT},
                new String[] {"openvpn", SERVER}, new String[] {"dhcrelay", RELAY4})) {
            assertThat(restart(item[0], item[1])).contains("has been restarted");
        }
    }

    @Test
    void storesEveryKindAndListsThemSortedByNameAsOpnsenseDoes() throws Exception {
        post(restore("restore.three-kinds.request.xml"));

        assertThat(backup.wireguardInstances()).containsKey(WG0); // servers arrives as a list of one
        assertThat(backup.openvpnInstances()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                CLIENT, new StoredOpenVpnInstance(CLIENT, "branch-client", "client", true, MASTER_VIP7),
                SERVER, new StoredOpenVpnInstance(SERVER, "road-warriors", "server", true, MASTER_VIP7)));
        assertThat(backup.dhcpRelays()).containsExactly(java.util.Map.entry(RELAY4,
                new StoredRelay(RELAY4, "lan", true, "b162cf73-8092-43a4-9f01-516273849fa0", "10.0.0.10,10.0.0.11",
                        MASTER_VIP2)));
        String list = "<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>opnsense.list_services</methodName>\n"
                + "<params>\n</params></methodCall>";
        assertThat(post(list)).isEqualTo(new String(Fixtures.items("list_services.three-kinds.response.xml"),
                StandardCharsets.UTF_8));
    }

    /** Runs against the default release, 26.7.2: from 26.1 OpenVPN's start/restart consult CARP. */
    @Test
    void withTheMastersVipsSyncedNothingThatDependsOnCarpStartsOnTheBackup() throws Exception {
        post(restore("restore.three-kinds.request.xml"));
        restartAll();

        assertThat(backup.wireguardUp()).isEmpty();
        assertThat(backup.openvpnRunning()).containsExactly(SERVER); // a server ignores carp_depend_on
        assertThat(backup.relaysRunning()).isEmpty();
        assertThat(backup.serviceEvents()).contains(
                new ServiceEvent("restart", "openvpn", CLIENT, "kept down: CARP BACKUP on VHID 7"),
                new ServiceEvent("restart", "dhcrelay", RELAY4, "kept down: CARP BACKUP on VHID 2"));

        backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        backup.setCarpStatus(2, "lan", CarpStatus.MASTER);
        // The CARP hooks start what depends on the VIPs now MASTER.
        assertThat(backup.wireguardUp()).containsExactly(WG0);
        assertThat(backup.openvpnRunning()).containsExactlyInAnyOrder(CLIENT, SERVER);
        assertThat(backup.relaysRunning()).containsExactly(RELAY4);
        assertThat(backup.serviceEvents()).contains(new ServiceEvent("carp", "dhcrelay", RELAY4, "up"));
    }

    @Test
    void withoutVipSyncTheClientComesUpOnTheBackupAndTheRelayNeverStarts() throws Exception {
        post(withoutVips(restore("restore.three-kinds.request.xml")));
        restartAll();

        // The master's uuids are unknown here: WireGuard and the OpenVPN client run as if they had no dependency.
        assertThat(backup.wireguardUp()).containsExactly(WG0);
        assertThat(backup.openvpnRunning()).containsExactlyInAnyOrder(CLIENT, SERVER);
        assertThat(backup.relaysRunning()).isEmpty();
        assertThat(backup.serviceEvents()).contains(new ServiceEvent("restart", "dhcrelay", RELAY4,
                "kept down: CARP DISABLED (VIP " + MASTER_VIP2 + " is not on this node)"));

        backup.setCarpStatus(2, "lan", CarpStatus.MASTER);
        backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        assertThat(backup.relaysRunning()).as("failover silently breaks: the relay stays DISABLED").isEmpty();
    }

    /** Runs against the default release, 26.7.2 (the OpenVPN client's restart is held down from 26.1 on). */
    @Test
    void dependenciesOnTheBackupsOwnVipsKeepEverythingDownUntilMaster() throws Exception {
        post(withoutVips(restore("restore.three-kinds.request.xml"))
                .replace(MASTER_VIP7, BACKUP_VIP7).replace(MASTER_VIP2, BACKUP_VIP2));
        restartAll();
        assertThat(backup.wireguardUp()).isEmpty();
        assertThat(backup.openvpnRunning()).containsExactly(SERVER);
        assertThat(backup.relaysRunning()).isEmpty();

        backup.setCarpStatus(7, "WAN2", CarpStatus.MASTER);
        assertThat(backup.wireguardUp()).containsExactly(WG0);
        assertThat(backup.openvpnRunning()).containsExactlyInAnyOrder(CLIENT, SERVER);
        assertThat(backup.relaysRunning()).isEmpty();
        backup.setCarpStatus(2, "LAN", CarpStatus.MASTER);
        assertThat(backup.relaysRunning()).containsExactly(RELAY4);

        // Back to BACKUP: the hooks take them down again (the relay is stopped and not restarted).
        backup.setCarpStatus(7, "opt2", CarpStatus.BACKUP);
        backup.setCarpStatus(2, "lan", CarpStatus.BACKUP);
        assertThat(backup.wireguardUp()).isEmpty();
        assertThat(backup.openvpnRunning()).containsExactly(SERVER);
        assertThat(backup.relaysRunning()).isEmpty();
    }

    @Test
    void oneClientAsAStructAndTwoRelaysAsAnArray() throws Exception {
        post(restore("restore.single-client-two-relays.request.xml"));
        assertThat(backup.openvpnInstances()).containsOnlyKeys(CLIENT2);
        assertThat(backup.dhcpRelays()).containsOnlyKeys(RELAY4, RELAY6);
        assertThat(post("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>opnsense.list_services</methodName>\n"
                + "<params>\n</params></methodCall>")).contains("DHCPv4 Relay (lan)", "DHCPv6 Relay (lan)",
                "OpenVPN client second-client");
        backup.setCarpStatus(2, "lan", CarpStatus.MASTER);
        assertThat(backup.relaysRunning()).containsExactlyInAnyOrder(RELAY4, RELAY6);
        assertThat(backup.openvpnRunning()).containsExactly(CLIENT2);
    }

    @Test
    void modulesWithoutItemsStoreNone() throws Exception {
        post(restore("restore.three-kinds.request.xml"));
        post(restore("restore.no-items.request.xml"));
        assertThat(backup.openvpnInstances()).isEmpty();
        assertThat(backup.dhcpRelays()).isEmpty();
        assertThat(backup.wireguardInstances()).containsKey(WG0); // no wireguard section: stays as it was
    }

    /** Runs against the default release, 26.7.2 (on 25.7 a start or restart ignores CARP altogether). */
    @Test
    void aStartOfAHeldClientLeavesItAsItWasARestartStopsIt() throws Exception {
        post(withoutVips(restore("restore.three-kinds.request.xml")));
        restart("openvpn", CLIENT);
        assertThat(backup.openvpnRunning()).contains(CLIENT);

        post(withoutVips(restore("restore.three-kinds.request.xml")).replace(MASTER_VIP7, BACKUP_VIP7));
        assertThat(control("start_service", "openvpn", CLIENT)).contains("has been started");
        assertThat(backup.serviceEvents()).last()
                .isEqualTo(new ServiceEvent("start", "openvpn", CLIENT, "kept down: CARP BACKUP on VHID 7"));
        assertThat(backup.openvpnRunning()).as("start skips a held client, it does not stop it").contains(CLIENT);
        restart("openvpn", CLIENT);
        assertThat(backup.openvpnRunning()).doesNotContain(CLIENT);
    }

    @Test
    void aClientFollowingTheFirstOfTwoVipsWithOneVhidNumberStaysDownEvenAsMaster() throws Exception {
        // ovpn_service_control.php maps a VHID number to the last local VIP with it: the other one never gets a state.
        backup.close();
        backup = SimulatedBackup.start(SimulatedBackup.Options.defaults().withVips(List.of(
                new SimVip(BACKUP_VIP7, "opt2", "WAN2", 7, "198.51.100.5", 28, "WAN2 CARP"),
                new SimVip(BACKUP_VIP2, "opt3", "WAN3", 7, "203.0.113.5", 28, "WAN3 CARP"))));
        http = HttpClient.newBuilder().sslContext(PinnedTls.context(backup.fingerprint()))
                .connectTimeout(Duration.ofSeconds(5)).build();
        post(withoutVips(restore("restore.three-kinds.request.xml")).replace(MASTER_VIP7, BACKUP_VIP7));
        backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        backup.setCarpStatus(7, "opt3", CarpStatus.MASTER);
        assertThat(backup.wireguardUp()).containsExactly(WG0);
        assertThat(backup.openvpnRunning()).doesNotContain(CLIENT);
    }

    private void restartWith(SimulatedBackup.Options options) {
        backup.close();
        backup = SimulatedBackup.start(options);
        http = HttpClient.newBuilder().sslContext(PinnedTls.context(backup.fingerprint()))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void on25_7AnOpenVpnClientComesUpOnABackupEvenWithVipSync() throws Exception {
        // Runs against 25.7.11: ovpn_service_control.php reads CARP only for "configure", so the master's restart
        // starts the client although its (synced) VIP is BACKUP here; only a CARP event takes it down again.
        restartWith(SimulatedBackup.Options.defaults().withRelease(OpnsenseRelease.V25_7));
        post(restore("restore.three-kinds.request.xml"));
        restartAll();
        assertThat(backup.openvpnRunning()).containsExactlyInAnyOrder(CLIENT, SERVER);
        assertThat(backup.wireguardUp()).isEmpty(); // WireGuard and the relay consult CARP on every release
        assertThat(backup.relaysRunning()).isEmpty();
        backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        backup.setCarpStatus(7, "opt2", CarpStatus.BACKUP); // 20-openvpn-instances: configure stops it
        assertThat(backup.openvpnRunning()).containsExactly(SERVER);
    }

    @Test
    void from26_1TheSameClientIsHeldDownAndAnUnknownUuidStillStarts() throws Exception {
        for (OpnsenseRelease release : List.of(OpnsenseRelease.V26_1, OpnsenseRelease.V26_7)) {
            restartWith(SimulatedBackup.Options.defaults().withRelease(release));
            post(restore("restore.three-kinds.request.xml"));
            restartAll();
            assertThat(backup.openvpnRunning()).as(release.version()).containsExactly(SERVER);
            post(withoutVips(restore("restore.three-kinds.request.xml")).replace(MASTER_VIP7, "0badc0de-0000-4000-8000-00000000beef"));
            // Without VIP sync the backup keeps its own VIPs: the master's uuid is unknown, treated as none.
            restart("openvpn", CLIENT);
            assertThat(backup.openvpnRunning()).as(release.version()).contains(CLIENT);
        }
    }

    @Test
    void aWireGuardRestartAlwaysReconfiguresOnlyTheInterfaceFlagFollowsCarpThenTheFilterReloads() throws Exception {
        post(restore("restore.three-kinds.request.xml")); // WG0 depends on the synced VIP of VHID 7, BACKUP here
        long reloads = backup.filterReloads();
        assertThat(restart("wireguard", WG0)).isEqualTo(answer("Service `wireguard[" + WG0 + "]&#039; has been restarted."));
        assertThat(backup.wireguardConfigured()).containsExactly(WG0); // wgN created, syncconf, addresses, routes
        assertThat(backup.wireguardUp()).isEmpty(); // ... and ifconfig wgN down
        assertThat(backup.filterReloads()).isEqualTo(reloads + 1);

        // A known VIP whose VHID is on no interface (not in the kernel) counts as DISABLED: down as well.
        backup.setCarpStatus(7, "opt2", CarpStatus.DISABLED);
        restart("wireguard", WG0);
        assertThat(backup.wireguardUp()).isEmpty();
        assertThat(backup.wireguardStarts()).last().extracting(WireguardStart::carp).isEqualTo(java.util.Optional.of(CarpStatus.DISABLED));
        backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        restart("wireguard", WG0);
        assertThat(backup.wireguardUp()).containsExactly(WG0);
    }

    @Test
    void aRelayWithoutDependencyRunsOneWithAnUnknownDependencyNeverDoes() throws Exception {
        // RELAY4 without a dependency (its carp_depend_on emptied), RELAY6 on the master's VIP, unknown here.
        post(withoutVips(restore("restore.single-client-two-relays.request.xml"))
                .replaceFirst("(?s)(" + RELAY4 + ".*?carp_depend_on</name><value><string>)" + MASTER_VIP2, "$1"));
        restart("dhcrelay", RELAY4);
        restart("dhcrelay", RELAY6);
        assertThat(backup.relaysRunning()).containsExactly(RELAY4); // RELAY6 follows the master's unknown uuid
        backup.setCarpStatus(2, "lan", CarpStatus.MASTER);
        restart("dhcrelay", RELAY6);
        assertThat(backup.relaysRunning()).as("unknown: never, also as MASTER").containsExactly(RELAY4);
    }

    private static String answer(String text) {
        return "<?xml version=\"1.0\"?>\n<methodResponse>\n  <params>\n    <param>\n      <value>\n      <string>" + text
                + "</string>\n      </value>\n    </param>\n  </params>\n</methodResponse>\n\n";
    }

    @Test
    void anEmptyIdOfAnyKindRestartsTheFirstInstanceAndAnUnknownOneIsNamedWithIt() throws Exception {
        post(restore("restore.three-kinds.request.xml"));
        backup.reset();
        for (String emptyId : List.of("<string>0</string>", "<int>0</int>", "<boolean>0</boolean>", "<string></string>")) {
            post("<?xml version=\"1.0\"?>\n<methodCall><methodName>opnsense.restart_service</methodName><params><param>"
                    + "<value><struct><member><name>service</name><value>openvpn</value></member><member><name>id</name>"
                    + "<value>" + emptyId + "</value></member></struct></value></param></params></methodCall>");
        }
        assertThat(backup.serviceEvents()).extracting(ServiceEvent::id).containsOnly(CLIENT); // !empty($params['id'])
        assertThat(restart("wireguard", "nope")).contains("Could not find unknown service `wireguard[nope]&#039;");
        assertThat(restart("*", "")).contains("Could not find unknown service `*&#039;"); // '*' needs an id
    }

    @Test
    void aParameterThatIsNotAStructMakesPhpDieWithTheErrorAsTheBody() throws Exception {
        post(restore("restore.three-kinds.request.xml"));
        String body = post("<?xml version=\"1.0\"?>\n<methodCall><methodName>opnsense.restart_service</methodName>"
                + "<params><param><value><string>wireguard</string></value></param></params></methodCall>");
        assertThat(body).startsWith("<br />\n<b>Fatal error</b>:  Uncaught TypeError: Cannot access offset of type "
                + "string on string in /usr/local/etc/inc/xmlrpc/service.inc:103").doesNotContain("<methodResponse>");
        assertThat(backup.wireguardConfigured()).isEmpty();
    }

    @Test
    void listServicesIsAStructUnlessTheSortMovedNothing() throws Exception {
        String list = "<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>opnsense.list_services</methodName>\n"
                + "<params>\n</params></methodCall>";
        assertThat(post(list)).contains("<struct>\n  <member><name>0</name><value><struct>",
                "<member><name>4</name><value><struct>\n  <member><name>name</name><value><string>cron</string>");
        restartWith(SimulatedBackup.Options.defaults().withServices(List.of(SimService.of("unbound", "Unbound DNS"))));
        post(restore("restore.three-kinds.request.xml")); // dhcrelay, openvpn x2, unbound, wireguard: already sorted
        assertThat(post(list)).contains("      <array><data>\n  <value><struct>\n  <member><name>name</name><value><string>dhcrelay");
    }

    @Test
    void aRestoreMergesTheBackupsOtherSectionsAndNosyncVipsSurvive() throws Exception {
        String localNosync = "11111111-2222-4333-8444-555555555555";
        restartWith(SimulatedBackup.Options.defaults().withVips(List.of(
                new SimVip(BACKUP_VIP7, "opt2", "WAN2", 7, "198.51.100.5", 28, "WAN2 CARP"),
                new SimVip(localNosync, "opt2", "WAN2", 7, "198.51.100.6", 28, "kept here").markedNosync(),
                new SimVip(BACKUP_VIP2, "opt9", "WAN9", 9, "203.0.113.9", 28, "not on the master"))));
        post("<?xml version=\"1.0\"?>\n<methodCall><methodName>opnsense.restore_config_section</methodName><params>"
                + "<param><value><struct><member><name>OPNsense</name><value><struct><member><name>Local</name><value>"
                + "<struct><member><name>only</name><value>here</value></member></struct></value></member></struct>"
                + "</value></member></struct></value></param></params></methodCall>");
        post(restore("restore.three-kinds.request.xml"));
        // merge_config_attributes(): the backup's other OPNsense models survive the master's sections.
        assertThat(post("<?xml version=\"1.0\"?>\n<methodCall><methodName>opnsense.backup_config_section</methodName>"
                + "<params><param><value><string>OPNsense</string></value></param></params></methodCall>"))
                .contains("<member><name>Local</name>", "<member><name>OpenVPN</name>");
        // carp_opt2_vip7: the master's VIP replaces the local one, the nosync one stays (first), VHID 9 is dropped.
        assertThat(backup.vips()).extracting(SimVip::uuid).containsExactly(localNosync, MASTER_VIP7, MASTER_VIP2);
        assertThat(backup.vips().get(0).nosync()).isTrue();
    }
}
