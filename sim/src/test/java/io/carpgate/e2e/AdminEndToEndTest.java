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
@EndToEnd
class AdminEndToEndTest {
    @TempDir
    Path dir;
    Pair pair;
    final RawHttps http = new RawHttps();

    @BeforeEach
    void start() throws Exception {
        // carpgate's own periodic read off: the test counts the backup's API requests.
        pair = Pair.start(dir, "watch: {interval: off}\nlimits: {carp-refresh: off}\n", SyncEndToEndTest.MAP);
    }

    @AfterEach
    void stop() throws Exception {
        pair.close();
    }

    @Test
    void metricsCountCallsByDecisionAndShowTheCarpStateCarpgateLastRead() throws Exception {
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all");
        pair.exchanges.awaitCall("opnsense.restart_service", "suppressed");
        // The calls of that run are all finished exchanges before the metrics are read.
        pair.exchanges.await("the last call of the run", r -> r.calls().stream()
                .anyMatch(c -> c.service().equals(java.util.Optional.of("wireguard"))));
        String metrics = http.get(admin("/metrics")).text();

        assertThat(metrics)
                .contains("carpgate_suppressed_starts_total{kind=\"wireguard\",mode=\"enforce\",pair=\"default\"} 1.0")
                .contains("carpgate_calls_total{decision=\"suppressed\",method=\"opnsense.restart_service\",mode=\"enforce\",pair=\"default\"} 1.0")
                .contains("carpgate_calls_total{decision=\"forwarded\",method=\"opnsense.firmware_version\",mode=\"enforce\",pair=\"default\"} 1.0")
                .contains("carpgate_requests_total{code=\"200\",pair=\"default\"}")
                .contains("carpgate_upstream_duration_seconds_bucket{pair=\"default\",le=\"+Inf\"}")
                .contains("carpgate_carp_state{interface=\"opt2\",pair=\"default\",state=\"BACKUP\",vhid=\"7\"} 1.0")
                .contains("carpgate_carp_api_up{pair=\"default\"} 1.0")
                .doesNotContain(Pair.API_SECRET, Pair.SYNC_PASSWORD);

        // The metrics show carpgate's last read, taken by the next call that needs it; a scrape reads nothing.
        pair.backup.setCarpStatus(7, "opt2", CarpStatus.MASTER);
        assertThat(http.get(admin("/metrics")).text())
                .contains("carpgate_carp_state{interface=\"opt2\",pair=\"default\",state=\"BACKUP\",vhid=\"7\"} 1.0");
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all");
        pair.exchanges.awaitCall("opnsense.restart_service forwarded to the MASTER", c -> c.method().equals(
                "opnsense.restart_service") && c.action().word().equals("forwarded") && c.carpState().equals(
                java.util.Optional.of("MASTER")));
        assertThat(http.get(admin("/metrics")).text())
                .contains("carpgate_carp_state{interface=\"opt2\",pair=\"default\",state=\"MASTER\",vhid=\"7\"} 1.0");
    }

    @Test
    void everySeriesExistsFromTheStartWithBuildJvmReloadAndCertificateMetrics() throws Exception {
        // Before any call: the series an alert or a rate() needs are there, at 0.
        awaitReadyz(200); // the start-up read has shaken hands with the backup: its certificate is known
        String metrics = http.get(admin("/metrics")).text();
        assertThat(metrics)
                .contains("carpgate_calls_total{decision=\"suppressed\",method=\"opnsense.restart_service\",mode=\"enforce\",pair=\"default\"} 0.0")
                .contains("carpgate_calls_total{decision=\"rewritten\",method=\"opnsense.restore_config_section\",mode=\"enforce\",pair=\"default\"} 0.0")
                .contains("carpgate_suppressed_starts_total{kind=\"wireguard\",mode=\"enforce\",pair=\"default\"} 0.0")
                .contains("carpgate_suppressed_starts_total{kind=\"openvpn\",mode=\"enforce\",pair=\"default\"} 0.0")
                .contains("carpgate_carp_api_errors_total{pair=\"default\"} 0.0")
                .contains("carpgate_requests_total{code=\"200\",pair=\"default\"} 0.0")
                .contains("carpgate_upstream_duration_seconds_count{pair=\"default\"} 0")
                .contains("carpgate_config_reloads_total{result=\"applied\"} 0.0")
                .contains("carpgate_config_reloads_total{result=\"rejected\"} 0.0")
                .contains("carpgate_build_info{java_version=\"" + System.getProperty("java.version") + "\",version=\""
                        + System.getProperty("carpgate.version") + "\"} 1.0")
                // The Prometheus client's own JVM and process instrumentation.
                .contains("jvm_memory_used_bytes{area=\"heap\"}", "jvm_threads_current", "process_cpu_seconds_total",
                        "jvm_gc_collection_seconds_count");
        double loadedAt = value(metrics, "carpgate_config_last_reload_success_timestamp_seconds");
        assertThat(loadedAt).isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(300.0));
        // carpgate's own certificate (self-signed for ten years) and the backup's, as carpgate accepted it.
        assertThat(value(metrics, "carpgate_listener_certificate_expiry_seconds")).isGreaterThan(300 * 86400.0);
        assertThat(value(metrics, "carpgate_backup_certificate_expiry_seconds{pair=\"default\"}")).isPositive();
    }

    /** The value of a series in Prometheus text format. */
    private static double value(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no series " + series + " in:\n" + metrics));
    }

    @Test
    void healthzIsTheProcessReadyzIsCarpgatesLastReadOfTheBackupApi() throws Exception {
        RawHttps.Answer health = http.get(admin("/healthz"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.text()).isEqualTo("ok\n");
        // carpgate reads each backup's CARP state once at start: ready as soon as that read is in.
        RawHttps.Answer ready = awaitReadyz(200);
        assertThat(ready.text()).startsWith("ready\n").contains("default: ready", "last read");

        pair.backup.setApiAvailable(false);
        int readsBefore = apiReads();
        for (int i = 0; i < 20; i++) {
            assertThat(http.get(admin("/readyz")).status()).as("watchers see the last read: still ready").isEqualTo(200);
            http.get(admin("/metrics"));
            http.get(admin("/"));
        }
        assertThat(apiReads()).as("no scrape, page view or readiness probe reads the backup's API").isEqualTo(readsBefore);
        assertThat(http.get(admin("/metrics")).text()).contains("carpgate_carp_api_errors_total{pair=\"default\"} 0.0");

        // The next call that needs the CARP state reads it, and that read fails.
        PythonMaster.run(pair.base(), Pair.SYNC_USER, Pair.SYNC_PASSWORD, "reconfigure-all");
        pair.exchanges.awaitCall("a start decided without CARP state", c -> c.action().word().equals("suppressed")
                && c.reason().contains("CARP state unknown"));
        RawHttps.Answer down = awaitReadyz(503);
        assertThat(down.text()).startsWith("not ready\n").contains("default: NOT READY", "HTTP 500");
        assertThat(http.get(admin("/healthz")).status()).as("alive all the same").isEqualTo(200);
        String metrics = http.get(admin("/metrics")).text();
        assertThat(metrics).contains("carpgate_carp_api_up{pair=\"default\"} 0.0")
                .containsPattern("carpgate_carp_api_errors_total\\{pair=\"default\"\\} [1-9]");
    }

    /** The simulated backup's API requests so far (each CARP read asks two endpoints). */
    private int apiReads() {
        return (int) pair.backup.received().stream().filter(c -> c.path().startsWith("/api/")).count();
    }

    private RawHttps.Answer awaitReadyz(int status) {
        return org.awaitility.Awaitility.await("/readyz answers " + status).atMost(ExchangeRecorder.DEADLINE)
                .pollInterval(Duration.ofMillis(20)).until(() -> http.get(admin("/readyz")), a -> a.status() == status);
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
        pair.exchanges.awaitCall("the hostile restart", c -> c.id().orElse("").contains("alert(1)"));
        String page = http.get(admin("/")).text();
        assertThat(page).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    private URI admin(String path) {
        return URI.create("http://127.0.0.1:" + pair.carpgate.admin().orElseThrow().port() + path);
    }

    static String fixture(String name) throws Exception {
        return Files.readString(PythonMaster.fixtures().resolve(name));
    }
}
