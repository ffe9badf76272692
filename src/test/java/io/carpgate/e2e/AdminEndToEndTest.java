package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener over real HTTP: metrics after a real sync, health, readiness, and what it refuses. */
class AdminEndToEndTest {
    @TempDir
    Path dir;
    Pair pair;
    final RawHttps http = new RawHttps();

    @BeforeEach
    void start() throws Exception {
        pair = Pair.start(dir, "", SyncEndToEndTest.MAP);
    }

    @AfterEach
    void stop() throws Exception {
        pair.close();
    }

    @Test
    void metricsCountCallsByDecisionAndShowTheLiveCarpState() throws Exception {
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all");
        pair.awaitLog("decisions.jsonl", "\"decision\":\"suppressed\"");
        String metrics = awaitMetric("carpgate_suppressed_starts_total");

        assertThat(metrics)
                .contains("carpgate_suppressed_starts_total{kind=\"wireguard\",mode=\"enforce\",pair=\"default\"} 1.0")
                .contains("carpgate_calls_total{decision=\"suppressed\",method=\"opnsense.restart_service\",mode=\"enforce\",pair=\"default\"} 1.0")
                .contains("carpgate_calls_total{decision=\"forwarded\",method=\"opnsense.firmware_version\",mode=\"enforce\",pair=\"default\"} 1.0")
                .contains("carpgate_requests_total{code=\"200\",pair=\"default\"}")
                .contains("carpgate_upstream_duration_seconds_bucket{pair=\"default\",le=\"+Inf\"}")
                .contains("carpgate_carp_state{interface=\"opt2\",pair=\"default\",state=\"BACKUP\",vhid=\"7\"} 1.0")
                .contains("carpgate_carp_api_up{pair=\"default\"} 1.0")
                .doesNotContain(Pair.API_SECRET, Pair.SYNC_PASSWORD);

        pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        Thread.sleep(2100); // the CARP view is cached for limits.carp-cache (2 s)
        assertThat(http.get(admin("/metrics")).text())
                .contains("carpgate_carp_state{interface=\"opt2\",pair=\"default\",state=\"MASTER\",vhid=\"7\"} 1.0");
    }

    @Test
    void healthzIsTheProcessReadyzIsTheBackupApi() throws Exception {
        RawHttps.Answer health = http.get(admin("/healthz"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.text()).isEqualTo("ok\n");
        RawHttps.Answer ready = http.get(admin("/readyz"));
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.text()).startsWith("ready\n").contains("default: ready");

        pair.backup.setApiAvailable(false);
        Thread.sleep(2100);
        RawHttps.Answer down = http.get(admin("/readyz"));
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.text()).startsWith("not ready\n").contains("default: NOT READY");
        assertThat(http.get(admin("/healthz")).status()).as("alive all the same").isEqualTo(200);
        String metrics = http.get(admin("/metrics")).text();
        assertThat(metrics).contains("carpgate_carp_api_up{pair=\"default\"} 0.0")
                .containsPattern("carpgate_carp_api_errors_total\\{pair=\"default\"\\} [1-9]");
    }

    @Test
    void theAdminListenerIsReadOnly() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(admin("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(http.get(admin("/xmlrpc.php")).status()).isEqualTo(404);
        assertThat(http.get(admin("/../etc/passwd")).status()).isIn(400, 404);
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(admin("/")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
                .contains("default-src 'none'"));
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(pair.xmlrpcCalls()).isEmpty();
    }

    @Test
    void theStatusPageEscapesWhatTheMasterSent() throws Exception {
        String hostile = "<methodCall><methodName>opnsense.restart_service</methodName><params><param><value><struct>"
                + "<member><name>service</name><value>wireguard</value></member>"
                + "<member><name>id</name><value>&lt;script&gt;alert(1)&lt;/script&gt;</value></member>"
                + "</struct></value></param></params></methodCall>";
        http.post(pair.carpgate("/xmlrpc.php"), RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD),
                hostile.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        pair.awaitLog("decisions.jsonl", "alert(1)");
        String page = http.get(admin("/")).text();
        assertThat(page).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    private String awaitMetric(String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String text = http.get(admin("/metrics")).text();
        while (!text.contains(name) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            text = http.get(admin("/metrics")).text();
        }
        return text;
    }

    private URI admin(String path) {
        return URI.create("http://127.0.0.1:" + pair.carpgate.admin().orElseThrow().port() + path);
    }

    static String fixture(String name) throws Exception {
        return Files.readString(PythonMaster.fixtures().resolve(name));
    }
}
