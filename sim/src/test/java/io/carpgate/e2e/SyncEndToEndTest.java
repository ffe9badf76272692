package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carpgate.carp.CarpStatus;
import io.carpgate.sim.ReceivedCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master (Python's xmlrpc.client, or exact fixture bytes) → carpgate → an HTTPS backup that parses
 * like OPNsense's IXR and does what OPNsense does with the calls, all over real TLS on loopback.
 */
@EndToEnd
class SyncEndToEndTest {
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String WG1 = "11111111-2222-4333-8444-555555555555";
    static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    static final String BACKUP_VIP7 = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

    @TempDir
    Path dir;
    Pair pair;
    final RawHttps http = new RawHttps();

    @BeforeEach
    void start() throws Exception {
        pair = Pair.start(dir, "", null);
    }

    @AfterEach
    void stop() throws Exception {
        pair.close();
    }

    static final String MAP = "instances:\n  wg0-branches:\n    vhid: 7\n    interface: opt2\n";

    /** With VIP sync off the master's VIP is not in the payload: only the VHID map can tell the VHID. */
    private void restartWithVhidMap() throws Exception {
        pair.close();
        Path mapped = Files.createDirectories(dir.resolve("mapped"));
        pair = Pair.start(mapped, "", MAP);
    }

    private JsonNode master(String scenario) throws Exception {
        return PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, scenario);
    }

    private static List<JsonNode> restarts(JsonNode run, String service) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode call : run.get("calls")) {
            if (call.get("method").asText().equals("opnsense.restart_service")
                    && call.get("params").get(0).get("service").asText().equals(service)) {
                found.add(call);
            }
        }
        return found;
    }

    private List<String> wireguardStartsReachingBackup() {
        return pair.backup.serviceEvents().stream()
                .filter(e -> e.service().equals("wireguard") && !e.action().equals("stop"))
                .map(e -> e.action() + " " + e.id()).toList();
    }

    private static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(PythonMaster.fixtures().resolve(name));
    }

    @Test
    void reconfigureAllWhileBackupIsBackupStoresTheConfigAndStartsNoWireGuard() throws Exception {
        JsonNode run = master("reconfigure-all");

        assertThat(run.get("calls").get(1).get("answer").asBoolean()).as("restore answered true").isTrue();
        assertThat(pair.backup.wireguardInstances()).containsKey(WG0);
        // The VIP for VHID 7 arrives in the same restore: the backup takes it with the master's uuid, so that
        // uuid is already right and must reach the backup unchanged.
        assertThat(pair.backup.wireguardInstances().get(WG0).carpDependOn()).isEqualTo(MASTER_VIP7);

        List<JsonNode> wireguard = restarts(run, "wireguard");
        assertThat(wireguard).hasSize(1);
        assertThat(wireguard.get(0).get("answer").asText())
                .contains("carpgate suppressed", "wg0-branches", "VHID 7", "BACKUP");
        assertThat(restarts(run, "unbound").get(0).get("answer").asText()).contains("has been restarted");
        assertThat(wireguardStartsReachingBackup()).isEmpty();
        assertThat(pair.backup.wireguardUp()).isEmpty();
        assertThat(pair.backup.serviceEvents()).anyMatch(e -> e.service().equals("unbound"));

        io.carpgate.observe.ExchangeRecord restart = pair.exchanges.await("the wireguard restart",
                r -> r.calls().stream().anyMatch(c -> c.service().equals(java.util.Optional.of("wireguard"))));
        io.carpgate.policy.CallOutcome suppressed = restart.calls().get(0);
        assertThat(suppressed.method()).isEqualTo("opnsense.restart_service");
        assertThat(suppressed.action().word()).isEqualTo("suppressed");
        assertThat(suppressed.vhid()).contains("7");
        assertThat(suppressed.carpState()).contains("BACKUP");
        assertThat(suppressed.instance()).hasValueSatisfying(i -> assertThat(i).contains("wg0-branches"));
        assertThat(suppressed.id()).contains(WG0);
        assertThat(restart.user()).contains(Pair.SYNC_USER);
        assertThat(restart.upstreamStatus()).as("nothing went to the backup").isEmpty();
        io.carpgate.observe.ExchangeRecord restore = pair.exchanges.await("the restore",
                r -> r.methodSummary().equals("opnsense.restore_config_section"));
        assertThat(restore.upstreamStatus()).contains(200);
        // The access log's format: NCSA combined, then method, decision and milliseconds.
        assertThat(pair.awaitLog("access.log", "method=opnsense.restart_service decision=suppressed"))
                .contains("\"POST /xmlrpc.php HTTP/1.1\" 200", "method=opnsense.firmware_version decision=forwarded")
                .containsPattern("127\\.0\\.0\\.1 - root \\[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9:]{8} [+-][0-9]{4}\\] "
                        + "\"POST /xmlrpc\\.php HTTP/1\\.1\" 200 [0-9]+ \"-\" \"[^\"]*\" "
                        + "method=opnsense\\.restart_service decision=suppressed ms=[0-9]+");
    }

    @Test
    void withoutVipSyncTheInstanceIsPointedAtTheBackupsOwnVip() throws Exception {
        restartWithVhidMap();
        master("reconfigure-all-no-vip-sync");

        assertThat(pair.backup.wireguardInstances().get(WG0).carpDependOn()).isEqualTo(BACKUP_VIP7);
        assertThat(pair.backup.wireguardInstances().get(WG0).enabled()).isTrue();
        assertThat(wireguardStartsReachingBackup()).isEmpty();
        assertThat(pair.exchanges.awaitCall("opnsense.restore_config_section", "rewritten").reason())
                .contains(MASTER_VIP7 + " -> " + BACKUP_VIP7);
    }

    @Test
    void withoutCarpgateTheSameSyncBringsWireGuardUpOnTheBackup() throws Exception {
        // The reported problem, for contrast: straight to the backup, the master's uuid is unknown there.
        PythonMaster.run(pair.backup.baseUrl() + "/", Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all-no-vip-sync");
        assertThat(pair.backup.wireguardUp()).contains(WG0);
    }

    @Test
    void onceTheBackupIsMasterForOneVhidOnlyThatInstanceRestarts() throws Exception {
        pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        JsonNode run = master("reconfigure-all-two-instances");

        List<JsonNode> wireguard = restarts(run, "wireguard");
        assertThat(wireguard).hasSize(2);
        assertThat(wireguardStartsReachingBackup()).containsExactly("restart " + WG0);
        assertThat(pair.backup.wireguardUp()).containsExactly(WG0);
        JsonNode suppressed = wireguard.stream().filter(c -> c.get("params").get(0).get("id").asText().equals(WG1))
                .findFirst().orElseThrow();
        assertThat(suppressed.get("answer").asText()).contains("carpgate suppressed", "wg1-lan", "VHID 2", "BACKUP");
    }

    @Test
    void callsPassByteForByteWithTheMastersHeadersAndTheBackupsAnswerComesBackUnchanged() throws Exception {
        byte[] request = fixture("firmware_version.request.xml");
        String auth = RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD);

        RawHttps.Answer direct = http.post(java.net.URI.create(pair.backup.baseUrl() + "/xmlrpc.php"), auth, request);
        pair.backup.reset();
        RawHttps.Answer viaCarpgate = http.post(pair.carpgate("/xmlrpc.php"), auth, request);

        assertThat(pair.xmlrpcCalls()).hasSize(1);
        ReceivedCall received = pair.xmlrpcCalls().get(0);
        assertThat(received.body()).isEqualTo(request);
        assertThat(received.path()).isEqualTo("/xmlrpc.php");
        assertThat(received.headers()).containsEntry("Content-Type", "text/xml").containsEntry("User-Agent", "XML_RPC");
        assertThat(received.headers()).containsEntry("Authorization", "Basic " + Pair.SYNC_USER);
        assertThat(viaCarpgate.status()).isEqualTo(direct.status());
        assertThat(viaCarpgate.contentType()).isEqualTo(direct.contentType());
        assertThat(viaCarpgate.body()).isEqualTo(direct.body());
    }

    @Test
    void anyPathPrefixReachesTheBackupsXmlrpc() throws Exception {
        JsonNode plain = PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "firmware");
        JsonNode prefixed = PythonMaster.run(pair.base() + "site-a/", Pair.SYNC_USER, Pair.SYNC_PASSWORD, "firmware");
        assertThat(prefixed.get("answer")).isEqualTo(plain.get("answer"));
        assertThat(prefixed.get("answer").has("firmware")).isTrue();
        assertThat(pair.xmlrpcCalls()).extracting(ReceivedCall::path)
                .containsOnly("/xmlrpc.php");
    }

    @Test
    void authenticationFailedComesBackAsTheBackupSaysIt() throws Exception {
        RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"), RawHttps.basic(Pair.SYNC_USER, "wrong"),
                fixture("firmware_version.request.xml"));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(fixture("auth_failed.response.xml"));
    }

    @Test
    void fixtureRestoreIsForwardedByteForByteAndFixtureWireGuardRestartIsSuppressed() throws Exception {
        String auth = RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD);
        byte[] restore = fixture("restore_config_section.request.xml");
        RawHttps.Answer stored = http.post(pair.carpgate("/xmlrpc.php"), auth, restore);
        assertThat(stored.body()).isEqualTo(fixture("restore_config_section.response.xml"));
        assertThat(pair.xmlrpcCalls().get(0).body()).isEqualTo(restore);

        RawHttps.Answer restart = http.post(pair.carpgate("/xmlrpc.php"), auth,
                fixture("restart_service.wireguard.request.xml"));
        assertThat(restart.status()).isEqualTo(200);
        assertThat(restart.contentType()).startsWith("text/xml");
        assertThat(restart.text()).contains("<methodResponse>", "carpgate suppressed", "VHID 7", "BACKUP")
                .doesNotContain("<fault>");
        assertThat(pair.xmlrpcCalls()).hasSize(1);
    }

    @Test
    void fixtureRestoreWithoutItsVipIsRewrittenInPlaceAndNothingElseChanges() throws Exception {
        restartWithVhidMap();
        String withoutVip = fixtureRestoreWithoutItsVip();
        // Same length uuids: the expected body is the sent one with exactly those 36 bytes changed.
        String expected = withoutVip.replace("<name>carp_depend_on</name><value><string>" + MASTER_VIP7,
                "<name>carp_depend_on</name><value><string>" + BACKUP_VIP7);
        assertThat(expected).isNotEqualTo(withoutVip);

        RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"),
                RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), withoutVip.getBytes(StandardCharsets.UTF_8));

        assertThat(answer.body()).isEqualTo(fixture("restore_config_section.response.xml"));
        assertThat(new String(pair.xmlrpcCalls().get(0).body(), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(pair.backup.wireguardInstances().get(WG0).carpDependOn()).isEqualTo(BACKUP_VIP7);
    }

    @Test
    void aRewriteThatChangesTheBodysLengthSendsTheCorrectedContentLength() throws Exception {
        restartWithVhidMap();
        String withoutVip = fixtureRestoreWithoutItsVip();
        // The master's uuid spelled with character references (IXR reads the same text): 12 bytes longer
        // than the plain backup uuid that replaces it.
        String spelled = "&#53;f3c1a9e&#45;8d2b&#45;4c7a-9e1f-2a3b4c5d6e7f";
        String sent = withoutVip.replace("<name>carp_depend_on</name><value><string>" + MASTER_VIP7,
                "<name>carp_depend_on</name><value><string>" + spelled);
        String expected = withoutVip.replace("<name>carp_depend_on</name><value><string>" + MASTER_VIP7,
                "<name>carp_depend_on</name><value><string>" + BACKUP_VIP7);
        byte[] sentBytes = sent.getBytes(StandardCharsets.UTF_8);
        byte[] expectedBytes = expected.getBytes(StandardCharsets.UTF_8);
        assertThat(sentBytes.length - expectedBytes.length).isEqualTo(12);

        RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"),
                RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), sentBytes);

        assertThat(answer.body()).isEqualTo(fixture("restore_config_section.response.xml"));
        io.carpgate.sim.ReceivedCall received = pair.xmlrpcCalls().get(0);
        assertThat(received.body()).isEqualTo(expectedBytes);
        assertThat(received.headers()).containsEntry("Content-Length", String.valueOf(expectedBytes.length))
                .doesNotContainKey("Transfer-Encoding");
        assertThat(pair.backup.wireguardInstances().get(WG0).carpDependOn()).isEqualTo(BACKUP_VIP7);
        // The decision log's format, on the line of this very call (waited for: it is written after the answer).
        pair.awaitLog("decisions.jsonl", "\"bytes_in\":" + sentBytes.length + ",\"bytes_out\"");
        assertThat(decisions()).filteredOn(d -> d.get("bytes_in").asLong() == sentBytes.length).singleElement().satisfies(d -> {
            assertThat(d.get("decision").asText()).isEqualTo("rewritten");
            assertThat(d.get("mode").asText()).isEqualTo("enforce");
            assertThat(d.get("pair").asText()).isEqualTo("default");
            assertThat(d.has("service") && d.has("id") && d.has("carp")).as("every field is present, null or not").isTrue();
            // Every field the decision log promises, with a value of the right kind.
            assertThat(java.time.OffsetDateTime.parse(d.get("time").asText()))
                    .isBetween(java.time.OffsetDateTime.now().minusMinutes(5), java.time.OffsetDateTime.now().plusSeconds(5));
            assertThat(d.get("client").asText()).isEqualTo("127.0.0.1");
            assertThat(d.get("user").asText()).isEqualTo(Pair.SYNC_USER);
            assertThat(d.get("method").asText()).isEqualTo("opnsense.restore_config_section");
            assertThat(d.get("instance").asText()).isEqualTo("wg0-branches");
            assertThat(d.get("vhid").asText()).isEqualTo("7");
            assertThat(d.get("upstream_status").asInt()).isEqualTo(200);
            assertThat(d.get("bytes_out").asLong()).isEqualTo(fixture("restore_config_section.response.xml").length);
            assertThat(d.get("ms").isIntegralNumber()).isTrue();
            assertThat(d.get("ms").asLong()).isBetween(0L, 60_000L);
            assertThat(d.get("reason").asText()).isNotBlank();
            assertThat(d.get("stage").asText()).isEqualTo("done");
            // Written as it was sent, before the answer: the same request, what was decided, that it went out.
            assertThat(pair.log("decisions.jsonl")).contains("\"request\":\"" + d.get("request").asText()
                    + "\",\"stage\":\"sent\"");
        });
    }

    @Test
    void aMulticallHidingAWireGuardStartIsRejectedAndNothingIsSent() throws Exception {
        master("reconfigure-all"); // teaches carpgate the instance
        pair.backup.reset();
        JsonNode run = master("multicall");
        assertThat(run.get("answer").get("fault").asInt()).isEqualTo(-32600);
        assertThat(run.get("answer").get("message").asText()).contains("nothing was sent", "wg0-branches");
        assertThat(pair.xmlrpcCalls()).isEmpty();
    }

    @Test
    void anEmptyPostGoesToTheBackupAsItIsAndItsAnswerComesBack() throws Exception {
        String auth = RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD);
        RawHttps.Answer direct = http.post(java.net.URI.create(pair.backup.baseUrl() + "/xmlrpc.php"), auth, new byte[0]);
        pair.backup.reset();
        RawHttps.Answer viaCarpgate = http.post(pair.carpgate("/xmlrpc.php"), auth, new byte[0]);
        assertThat(pair.xmlrpcCalls()).singleElement().satisfies(c -> assertThat(c.body()).isEmpty());
        assertThat(viaCarpgate.status()).isEqualTo(direct.status());
        assertThat(viaCarpgate.body()).isEqualTo(direct.body());
        io.carpgate.observe.ExchangeRecord record = pair.exchanges.await("the empty call", r -> r.bytesIn() == 0
                && r.requestLine().startsWith("POST"));
        assertThat(record.calls()).as("nothing to decide").isEmpty();
        assertThat(record.upstreamStatus()).contains(direct.status());
    }

    @Test
    void expectContinueIsAnsweredByCarpgateAndNotPassedOnWithTheBufferedBody() throws Exception {
        byte[] body = fixture("firmware_version.request.xml");
        try (RawTls raw = new RawTls(pair.carpgate.port(), 30_000)) {
            String answer = raw.send("POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\nContent-Type: text/xml\r\n"
                    + "Authorization: " + RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD) + "\r\n"
                    + "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .send(body).readAll();
            assertThat(answer).contains("HTTP/1.1 200", "<methodResponse>");
        }
        assertThat(pair.xmlrpcCalls()).singleElement().satisfies(c -> {
            assertThat(c.headers()).doesNotContainKey("Expect").containsEntry("Content-Length", String.valueOf(body.length));
            assertThat(c.body()).isEqualTo(body);
        });
    }

    @Test
    void unknownPathsAre404AndNothingIsForwarded() throws Exception {
        assertThat(http.get(pair.carpgate("/api/core/firmware/status")).status()).isEqualTo(404);
        assertThat(http.post(pair.carpgate("/xmlrpc.php.bak"), null, new byte[] {'x'}).status()).isEqualTo(404);
        assertThat(pair.xmlrpcCalls()).isEmpty();
    }

    /** The fixture restore without its virtualip section, as a master with VIP sync off sends it. */
    private static String fixtureRestoreWithoutItsVip() throws Exception {
        String restore = new String(fixture("restore_config_section.request.xml"), StandardCharsets.UTF_8);
        int vipStart = restore.indexOf("  <member><name>virtualip</name>");
        int vipEnd = restore.indexOf("</member>\n</struct></value></param>");
        assertThat(vipStart).isPositive();
        assertThat(vipEnd).isGreaterThan(vipStart);
        return restore.substring(0, vipStart) + restore.substring(vipEnd + "</member>\n".length());
    }

    private List<JsonNode> decisions() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : pair.log("decisions.jsonl").split("\n")) {
            // One line per call when done; a forwarded call's line written as it was sent comes before it.
            if (!line.isBlank() && line.contains("\"stage\":\"done\"")) {
                lines.add(json.readTree(line));
            }
        }
        return lines;
    }
}
