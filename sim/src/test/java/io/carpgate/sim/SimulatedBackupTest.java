package io.carpgate.sim;

import io.carpgate.testkit.PinnedTls;
import io.carpgate.testkit.Fixtures;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carpgate.carp.CarpStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.carpgate.e2e.EndToEnd;

@EndToEnd
class SimulatedBackupTest {
    private static final String WG = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    private static final String MASTER_VIP = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    private static final String BACKUP_WAN2_VIP = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

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

    private HttpResponse<byte[]> post(byte[] body, String user, String password) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(backup.baseUrl().resolve("/xmlrpc.php"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "text/xml").header("User-Agent", "XML_RPC")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (user != null) {
            request.header("Authorization", basic(user, password));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> post(byte[] body) throws Exception {
        return post(body, "root", "sync-password");
    }

    private HttpResponse<byte[]> get(String path, String user, String password) throws Exception {
        return http.send(HttpRequest.newBuilder(backup.baseUrl().resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", basic(user, password)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** The fixture restore as a master with VIP sync off sends it: no virtualip section. */
    static String restoreWithoutVips() {
        String restore = Fixtures.text("restore_config_section.request.xml");
        int start = restore.indexOf("  <member><name>virtualip</name>");
        int end = restore.indexOf("</member>\n</struct></value></param>");
        return restore.substring(0, start) + restore.substring(end + "</member>\n".length());
    }

    private static byte[] restoreDependingOn(String vipUuid) {
        return restoreWithoutVips()
                .replace("<name>carp_depend_on</name><value><string>" + MASTER_VIP,
                        "<name>carp_depend_on</name><value><string>" + vipUuid)
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void listensOnLoopbackOverTls() {
        assertThat(backup.baseUrl().toString()).startsWith("https://127.0.0.1:");
    }

    @Test
    void firmwareVersionAnswersAStruct() throws Exception {
        HttpResponse<byte[]> response = post(Fixtures.bytes("firmware_version.request.xml"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/xml");
        assertThat(text(response)).contains("<member><name>base</name><value><struct>")
                // Runs against the default release, the newest checked (26.7.2).
                .contains("<member><name>version</name><value><string>26.7.2</string></value></member>");
    }

    @Test
    void restoreListRestartMatchTheFixturesByteForByte() throws Exception {
        assertThat(post(Fixtures.bytes("restore_config_section.request.xml")).body())
                .isEqualTo(Fixtures.bytes("restore_config_section.response.xml"));
        assertThat(backup.wireguardInstances()).containsEntry(WG,
                new StoredInstance(WG, "wg0-branches", true, MASTER_VIP));

        byte[] listCall = ("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>opnsense.list_services</methodName>\n"
                + "<params>\n</params></methodCall>").getBytes(StandardCharsets.UTF_8);
        // 25.7-26.7 answer plugins_services() uasort()ed with its keys kept: a struct keyed "0", "4", ..., every
        // plugin's services, WireGuard's with status true (nocheck). The team's list_services.response.xml (an
        // array of unbound and the instance, status its interface's) predates that reading.
        assertThat(new String(post(listCall).body(), StandardCharsets.UTF_8))
                .isEqualTo(Fixtures.text("list_services.struct.response.xml"));

        // service_name(): the answer names the service as name[id] (restart_service.response.xml has the older
        // form without [id]).
        assertThat(post(Fixtures.bytes("restart_service.wireguard.request.xml")).body())
                .isEqualTo(Fixtures.bytes("restart_service.named.response.xml"));
    }

    @Test
    void unknownVipUuidIsTheBlackHoleTheInstanceComesUp() throws Exception {
        post(restoreWithoutVips().getBytes(StandardCharsets.UTF_8));
        post(Fixtures.bytes("restart_service.wireguard.request.xml"));
        assertThat(backup.wireguardUp()).containsExactly(WG);
        assertThat(backup.serviceEvents()).containsExactly(new ServiceEvent("restart", "wireguard", WG, "up"));
    }

    @Test
    void localBackupVipKeepsTheInstanceDownAndMasterBringsItUp() throws Exception {
        post(restoreDependingOn(BACKUP_WAN2_VIP));
        post(Fixtures.bytes("restart_service.wireguard.request.xml"));
        assertThat(backup.wireguardUp()).isEmpty();
        assertThat(backup.serviceEvents()).containsExactly(
                new ServiceEvent("restart", "wireguard", WG, "kept down: CARP BACKUP on VHID 7"));

        backup.setCarpStatus(7, "WAN2", CarpStatus.MASTER);
        post(Fixtures.bytes("restart_service.wireguard.request.xml"));
        assertThat(backup.wireguardUp()).containsExactly(WG);
        assertThat(backup.serviceEvents()).last().isEqualTo(new ServiceEvent("restart", "wireguard", WG, "up"));

        post(Fixtures.text("restart_service.wireguard.request.xml").replace("restart_service", "stop_service")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(backup.wireguardUp()).isEmpty();
    }

    @Test
    void vipsInARestoreReplaceTheNodesOwnUuidsIncludedAndCarpStateStaysWithTheVhid() throws Exception {
        backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        post(Fixtures.bytes("restore_config_section.request.xml"));
        assertThat(backup.vips()).extracting(SimVip::uuid, SimVip::iface, SimVip::vhid)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MASTER_VIP, "opt2", 7));
        assertThat(backup.carpStatus(7, "opt2")).contains(CarpStatus.MASTER);
        backup.setCarpStatus(7, "opt2", CarpStatus.BACKUP);
        post(Fixtures.bytes("restart_service.wireguard.request.xml"));
        // The master's uuid is now the node's own VIP: its CARP logic keeps the instance down.
        assertThat(backup.wireguardUp()).isEmpty();
        assertThat(backup.serviceEvents()).last()
                .isEqualTo(new ServiceEvent("restart", "wireguard", WG, "kept down: CARP BACKUP on VHID 7"));
    }

    @Test
    void masterOnAnotherInterfaceDoesNotCount() throws Exception {
        post(restoreDependingOn(BACKUP_WAN2_VIP));
        backup.setCarpStatus(2, "lan", CarpStatus.MASTER);
        post(Fixtures.bytes("restart_service.wireguard.request.xml"));
        assertThat(backup.wireguardUp()).isEmpty();
    }

    @Test
    void authFailureIsByteIdenticalToTheFixture() throws Exception {
        for (HttpResponse<byte[]> response : java.util.List.of(
                post(Fixtures.bytes("firmware_version.request.xml"), "root", "wrong"),
                post(Fixtures.bytes("firmware_version.request.xml"), null, null))) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/xml");
            assertThat(response.body()).isEqualTo(Fixtures.bytes("auth_failed.response.xml"));
        }
        assertThat(backup.serviceEvents()).isEmpty();
    }

    @Test
    void unknownMethodFaultMatchesTheFixture() throws Exception {
        byte[] call = Fixtures.text("firmware_version.request.xml").replace("opnsense.firmware_version", "opnsense.nope")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(post(call).body()).isEqualTo(Fixtures.bytes("fault.unknown_method.response.xml"));
    }

    @Test
    void unparsableBodyAndNonPost() throws Exception {
        assertThat(text(post("<methodCall><methodName>x</methodCall>".getBytes(StandardCharsets.UTF_8))))
                .contains("<int>-32700</int>").contains("parse error. not well formed");
        assertThat(text(post("<methodResponse/>".getBytes(StandardCharsets.UTF_8))))
                .contains("<int>-32600</int>");
        HttpResponse<byte[]> getResponse = get("/xmlrpc.php", "root", "sync-password");
        assertThat(getResponse.statusCode()).isEqualTo(200);
        assertThat(text(getResponse)).isEqualTo("XML-RPC server accepts POST requests only.");
    }

    @Test
    void recordsRequestsWithoutThePassword() throws Exception {
        byte[] body = Fixtures.bytes("firmware_version.request.xml");
        post(body);
        ReceivedCall call = backup.received().get(0);
        assertThat(call.path()).isEqualTo("/xmlrpc.php");
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.body()).isEqualTo(body);
        assertThat(call.methodName()).hasValue("opnsense.firmware_version");
        assertThat(call.headers()).containsEntry("Authorization", "Basic root")
                .containsEntry("User-Agent", "XML_RPC").containsEntry("Content-Type", "text/xml");
        assertThat(call.toString()).doesNotContain("sync-password");
        backup.reset();
        assertThat(backup.received()).isEmpty();
    }

    @Test
    void multicallRunsEachCallAndRefusesRecursion() throws Exception {
        post(restoreWithoutVips().getBytes(StandardCharsets.UTF_8));
        String call = "<?xml version=\"1.0\"?><methodCall><methodName>system.multicall</methodName><params><param>"
                + "<value><array><data>"
                + "<value><struct><member><name>methodName</name><value>opnsense.filter_configure</value></member>"
                + "<member><name>params</name><value><array><data></data></array></value></member></struct></value>"
                + "<value><struct><member><name>methodName</name><value><string>opnsense.restart_service</string></value></member>"
                + "<member><name>params</name><value><array><data><value><struct>"
                + "<member><name>service</name><value>wireguard</value></member>"
                + "<member><name>id</name><value>" + WG + "</value></member>"
                + "</struct></value></data></array></value></member></struct></value>"
                + "<value><struct><member><name>methodName</name><value>system.multicall</value></member>"
                + "<member><name>params</name><value><array><data></data></array></value></member></struct></value>"
                + "</data></array></value></param></params></methodCall>";
        String answer = text(post(call.getBytes(StandardCharsets.UTF_8)));
        assertThat(answer).contains("<value><array><data>\n  <value><boolean>1</boolean></value>\n</data></array></value>")
                .contains("<string>Service `wireguard[" + WG + "]&#039; has been restarted.</string>")
                .contains("<member><name>faultCode</name><value><int>-32600</int></value></member>")
                .contains("Recursive calls to system.multicall are forbidden");
        assertThat(backup.wireguardUp()).containsExactly(WG); // any method can arrive inside a multicall
    }

    @Test
    void apiAnswersShapedLikeTheFixtures() throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpResponse<byte[]> status = get("/api/diagnostics/interface/get_vip_status", "sim-api-key", "sim-api-secret");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(json.readTree(status.body())).isEqualTo(json.readTree(Fixtures.bytes("get_vip_status.response.json")));
        HttpResponse<byte[]> settings = get("/api/interfaces/vip_settings/search_item", "sim-api-key", "sim-api-secret");
        // search_item returns every field of the Vip model, the CARP password in clear, subnet without its prefix;
        // the team's vip_settings.search_item.response.json shows only the fields carpgate reads.
        assertThat(json.readTree(settings.body()))
                .isEqualTo(json.readTree(Fixtures.bytes("vip_settings.search_item.all-fields.response.json")));

        backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        assertThat(text(get("/api/diagnostics/interface/get_vip_status", "sim-api-key", "sim-api-secret")))
                .contains("\"status\":\"MASTER\"");
    }

    @Test
    void apiRefusesWrongCredentialsAndCanBeDown() throws Exception {
        HttpResponse<byte[]> refused = get("/api/diagnostics/interface/get_vip_status", "sim-api-key", "nope");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(new ObjectMapper().readTree(refused.body()).isObject()).isTrue();
        backup.setApiAvailable(false);
        HttpResponse<byte[]> down = get("/api/diagnostics/interface/get_vip_status", "sim-api-key", "sim-api-secret");
        assertThat(down.statusCode()).isEqualTo(500);
        assertThat(new ObjectMapper().readTree(down.body()).isObject()).isTrue();
    }

    @Test
    void certificatePinIsTheServedCertificate() throws Exception {
        HttpClient wrongPin = HttpClient.newBuilder().sslContext(PinnedTls.context(
                io.carpgate.tls.SelfSigned.generate("other", java.util.List.of()).fingerprint())).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> wrongPin.send(
                HttpRequest.newBuilder(URI.create(backup.baseUrl() + "/xmlrpc.php")).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }
}
