package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carpgate.carp.CarpStatus;
import io.carpgate.runtime.Carpgate;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import io.carpgate.observe.LogSetup;
import io.carpgate.sim.SimulatedBackup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two HA pairs behind one carpgate, each master pointed at its own path. Site A's backup holds CARP MASTER
 * for VHID 7, site B's does not: the same "Synchronize and reconfigure all" starts WireGuard on A only,
 * and nothing for one site ever reaches the other's backup.
 */
@EndToEnd
class MultiPairEndToEndTest {
    static final String WG0 = SyncEndToEndTest.WG0;

    @TempDir
    Path dir;

    @Test
    void eachMastersPathReachesItsOwnBackupAndEachIsGatedByItsOwnCarpState() throws Exception {
        try (SimulatedBackup a = backup(); SimulatedBackup b = backup()) {
            a.setCarpStatus(7, "opt2", CarpStatus.MASTER);
            b.setCarpStatus(7, "opt2", CarpStatus.BACKUP);
            Files.writeString(dir.resolve("api.txt"), Pair.API_KEY + ":" + Pair.API_SECRET + "\n");
            Files.writeString(dir.resolve("a-map.yml"), SyncEndToEndTest.MAP);
            Path file = dir.resolve("carpgate.yml");
            Files.writeString(file, "listen: {host: 127.0.0.1, port: 0}\n"
                    + "tls: {cert: certs/c.crt, key: certs/c.key}\n"
                    + "logs: {dir: logs}\n"
                    + "admin: {enabled: false}\n"
                    + "state-dir: state\n"
                    + "pairs:\n"
                    + "  - name: site-a\n    path: /site-a/\n    vhid-map: a-map.yml\n"
                    + "    backup: {url: '" + a.baseUrl() + "', pin-sha256: '" + a.fingerprint() + "', api-credentials: api.txt}\n"
                    + "  - name: site-b\n    path: /site-b\n"
                    + "    backup: {url: '" + b.baseUrl() + "', pin-sha256: '" + b.fingerprint() + "', api-credentials: api.txt}\n");
            CarpgateConfig config = ConfigLoader.load(file, Map.of());
            LogSetup.configure(config.logs());
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            ExchangeRecorder exchanges = new ExchangeRecorder();
            try (Carpgate carpgate = Carpgate.start(config, new PrintStream(console, true, StandardCharsets.UTF_8),
                    List.of(exchanges))) {
                String base = "https://127.0.0.1:" + carpgate.port();
                assertThat(console.toString(StandardCharsets.UTF_8))
                        .contains("pair site-a at /site-a -> backup " + a.baseUrl(), "pair site-b at /site-b");

                JsonNode siteA = PythonMaster.run(base + "/site-a/", Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all");
                JsonNode siteB = PythonMaster.run(base + "/site-b/", Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all");

                assertThat(wireguardAnswer(siteA)).contains("has been restarted");
                assertThat(a.wireguardUp()).containsExactly(WG0);
                assertThat(wireguardAnswer(siteB)).contains("carpgate suppressed", "VHID 7", "BACKUP");
                assertThat(b.wireguardUp()).isEmpty();
                // Both backups stored the instance; each got exactly its own master's calls.
                assertThat(a.wireguardInstances()).containsKey(WG0);
                assertThat(b.wireguardInstances()).containsKey(WG0);
                assertThat(xmlrpcMethods(a)).contains("opnsense.restart_service").hasSize(siteA.get("calls").size());
                assertThat(xmlrpcMethods(b)).hasSize(siteB.get("calls").size() - 1); // the suppressed restart

                RawHttps http = new RawHttps();
                int before = xmlrpcMethods(a).size() + xmlrpcMethods(b).size();
                assertThat(http.post(URI.create(base + "/site-c/xmlrpc.php"), RawHttps.basic("root", "x"),
                        "<methodCall/>".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(404);
                assertThat(http.post(URI.create(base + "/xmlrpc.php"), RawHttps.basic("root", "x"),
                        "<methodCall/>".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(404);
                assertThat(xmlrpcMethods(a).size() + xmlrpcMethods(b).size()).isEqualTo(before);

                int sent = siteA.get("calls").size() + siteB.get("calls").size() + 2;
                exchanges.await("every call of both runs and the two strays finished",
                        r -> exchanges.records().size() >= sent);
                assertThat(exchanges.records()).extracting(io.carpgate.observe.ExchangeRecord::pair)
                        .contains("site-a", "site-b", "-");
                assertThat(exchanges.records()).filteredOn(r -> r.decisionSummary().equals("suppressed"))
                        .singleElement().extracting(io.carpgate.observe.ExchangeRecord::pair).isEqualTo("site-b");
                // The decision log names the pair of each line.
                String decisions = awaitDecision(dir.resolve("logs/decisions.jsonl"), "\"decision\":\"suppressed\"");
                assertThat(decisions.lines().filter(l -> l.contains("\"decision\":\"suppressed\"")).toList())
                        .singleElement().asString().contains("\"pair\":\"site-b\"");
            }
        }
    }

    private static SimulatedBackup backup() {
        return SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                .withApiCredentials(Pair.API_KEY, Pair.API_SECRET));
    }

    private static String wireguardAnswer(JsonNode run) {
        List<String> answers = new ArrayList<>();
        run.get("calls").forEach(c -> {
            if (c.get("method").asText().endsWith("restart_service")
                    && c.get("params").get(0).get("service").asText().equals("wireguard")) {
                answers.add(c.get("answer").asText());
            }
        });
        assertThat(answers).hasSize(1);
        return answers.get(0);
    }

    private static List<String> xmlrpcMethods(SimulatedBackup backup) {
        return backup.received().stream().filter(c -> c.path().equals("/xmlrpc.php")).map(c -> c.methodName().orElse("?")).toList();
    }

    private static String awaitDecision(Path file, String expected) {
        return org.awaitility.Awaitility.await(file.getFileName() + " holds " + expected)
                .atMost(ExchangeRecorder.DEADLINE).pollInterval(java.time.Duration.ofMillis(20))
                .until(() -> Files.exists(file) ? Files.readString(file) : "", c -> c.contains(expected));
    }
}
