package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.runtime.Carpgate;
import io.carpgate.observe.PairStatus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload applies a valid new configuration at once and keeps the running one when the new one is invalid. */
@EndToEnd
class ReloadEndToEndTest {
    @TempDir
    Path dir;

    private final RawHttps http = new RawHttps();

    @Test
    void aValidChangeIsAppliedAnInvalidOneIsRefusedAndTheRunningOneStays() throws Exception {
        try (Pair pair = Pair.start(dir, "", SyncEndToEndTest.MAP)) {
            Path config = dir.resolve("carpgate.yml");
            String original = Files.readString(config);
            assertThat(firmwareStatus(pair)).isEqualTo(200);

            Files.writeString(config, original + "allowed-users: [admin]\n");
            assertThat(pair.carpgate.reload(Map.of())).isInstanceOf(Carpgate.ReloadResult.Applied.class);
            assertThat(firmwareStatus(pair)).as("root is no longer an allowed user").isEqualTo(403);

            // A broken map: refused with its line and column while the configuration is read, before any pair is
            // built, and the configuration in force (allowed-users) stays, its pairs untouched.
            io.carpgate.config.CarpgateConfig inForce = pair.carpgate.server().config();
            Files.writeString(dir.resolve("vhid-map.yml"), "instances:\n  wg0-branches:\n    vhid: 999\n");
            Files.writeString(config, original);
            Carpgate.ReloadResult rejected = pair.carpgate.reload(Map.of());
            assertThat(rejected).isInstanceOf(Carpgate.ReloadResult.Rejected.class);
            assertThat(((Carpgate.ReloadResult.Rejected) rejected).reason()).contains("vhid-map.yml:3:11: ", "1..255");
            assertThat(pair.carpgate.server().config()).as("nothing of it was applied").isSameAs(inForce);
            assertThat(firmwareStatus(pair)).as("the running configuration is still in force").isEqualTo(403);
            String page = http.get(admin(pair, "/")).text();
            assertThat(page).as("the status page says so")
                    .contains("REJECTED, the configuration before it stays in force", "vhid-map.yml:3:11");

            Files.writeString(dir.resolve("vhid-map.yml"), SyncEndToEndTest.MAP);
            assertThat(pair.carpgate.reload(Map.of())).isInstanceOf(Carpgate.ReloadResult.Applied.class);
            assertThat(firmwareStatus(pair)).isEqualTo(200);
            String metrics = http.get(admin(pair, "/metrics")).text();
            assertThat(metrics).contains("carpgate_config_reloads_total{result=\"applied\"} 2.0",
                    "carpgate_config_reloads_total{result=\"rejected\"} 1.0",
                    "carpgate_config_last_reload_successful 1.0");
        }
    }

    @Test
    void whatASyncTaughtCarpgateSurvivesAReload() throws Exception {
        try (Pair pair = Pair.start(dir, "", SyncEndToEndTest.MAP)) {
            http.post(pair.carpgate("/xmlrpc.php"), RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD),
                    SyncEndToEndTestSupport.restoreWithoutVips());
            // The memory learns when the restore's exchange is over, which may be just after the master has the answer.
            org.awaitility.Awaitility.await("the stored restore learned").atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> instanceSources(pair), java.util.List.of("wg0-branches=map+sync")::equals);

            Path config = dir.resolve("carpgate.yml");
            Files.writeString(config, Files.readString(config).replace("limits: {carp-cache: 1ms}",
                    "# edited\nlimits: {carp-cache: 1ms, upstream-timeout: 30s}"));
            Carpgate.ReloadResult result = pair.carpgate.reload(Map.of());
            assertThat(result).isInstanceOf(Carpgate.ReloadResult.Applied.class);
            assertThat(((Carpgate.ReloadResult.Applied) result).needRestart()).isEmpty();
            assertThat(instanceSources(pair)).containsExactly("wg0-branches=map+sync");
        }
    }

    @Test
    void changesTheListenerCannotTakeLiveAreNamedAndTheRestIsApplied() throws Exception {
        try (Pair pair = Pair.start(dir, "", SyncEndToEndTest.MAP)) {
            Path config = dir.resolve("carpgate.yml");
            String original = Files.readString(config);
            Files.writeString(config, original
                    .replace("listen: {host: 127.0.0.1, port: 0}", "listen: {host: 127.0.0.1, port: 1}")
                    .replace("logs: {dir: logs}", "logs: {dir: logs, retention-days: 7, level: debug}")
                    + "mode: observe\n");
            try {
                Carpgate.ReloadResult result = pair.carpgate.reload(Map.of());
                assertThat(((Carpgate.ReloadResult.Applied) result).needRestart())
                        .containsExactly("listen", "logs (dir, retention-days, max-file-size, total-size-cap)");
                assertThat(pair.carpgate.server().config().mode()).isEqualTo(io.carpgate.config.Mode.OBSERVE);
                assertThat(pair.carpgate.port()).as("still on its port until a restart").isNotEqualTo(1);
                assertThat(org.slf4j.LoggerFactory.getLogger("io.carpgate").isDebugEnabled()).isTrue();

                // Put back, those keys match what is in effect again: nothing waits for a restart any more.
                Files.writeString(config, original);
                Carpgate.ReloadResult back = pair.carpgate.reload(Map.of());
                assertThat(((Carpgate.ReloadResult.Applied) back).needRestart()).isEmpty();
                assertThat(pair.carpgate.server().config().mode()).isEqualTo(io.carpgate.config.Mode.ENFORCE);
            } finally {
                io.carpgate.observe.LogSetup.level(io.carpgate.config.LogSettings.Level.INFO);
            }
        }
    }

    @Test
    void aRenewedCertificateInTheSameFilesIsServedAtOnceNewFileNamesWaitForARestart() throws Exception {
        try (Pair pair = Pair.start(dir, "", SyncEndToEndTest.MAP)) {
            io.carpgate.tls.Fingerprint first = presented(pair);
            assertThat(first).isEqualTo(pair.carpgate.listenerFingerprint());

            // Renewed in place (as certbot or an admin's gen-cert --force would): new connections get it.
            Files.delete(dir.resolve("certs/carpgate.crt"));
            Files.delete(dir.resolve("certs/carpgate.key"));
            io.carpgate.tls.Fingerprint renewed = io.carpgate.tls.PemFiles.writeSelfSigned(dir.resolve("certs/carpgate.crt"),
                    dir.resolve("certs/carpgate.key"), "carpgate", java.util.List.of("127.0.0.1"));
            assertThat(pair.carpgate.reload(Map.of())).isInstanceOf(Carpgate.ReloadResult.Applied.class);
            assertThat(presented(pair)).isEqualTo(renewed).isNotEqualTo(first);
            assertThat(pair.carpgate.listenerFingerprint()).isEqualTo(renewed);

            // Other file names (not there yet: carpgate would create them at its next start) wait for a restart;
            // the listener keeps serving the files it started with.
            Path config = dir.resolve("carpgate.yml");
            Files.writeString(config, Files.readString(config).replace("certs/carpgate.crt", "certs/next.crt")
                    .replace("certs/carpgate.key", "certs/next.key"));
            Carpgate.ReloadResult result = pair.carpgate.reload(Map.of());
            assertThat(result).isInstanceOf(Carpgate.ReloadResult.Applied.class);
            assertThat(((Carpgate.ReloadResult.Applied) result).needRestart()).anyMatch(k -> k.startsWith("tls"));
            assertThat(presented(pair)).isEqualTo(renewed);
        }
    }

    /** The certificate carpgate's listener presents to a new connection. */
    private static io.carpgate.tls.Fingerprint presented(Pair pair) throws Exception {
        try (RawTls raw = new RawTls(pair.carpgate.port(), 10_000)) {
            raw.socket.startHandshake();
            return io.carpgate.tls.Fingerprint.of(
                    (java.security.cert.X509Certificate) raw.socket.getSession().getPeerCertificates()[0]);
        }
    }

    private static java.util.List<String> instanceSources(Pair pair) {
        return pair.carpgate.server().statuses().stream().flatMap(s -> s.instances().stream())
                .map((PairStatus.InstanceRow r) -> r.instance() + "=" + r.source()).toList();
    }

    private int firmwareStatus(Pair pair) throws Exception {
        byte[] body = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
        return http.post(pair.carpgate("/xmlrpc.php"), RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), body).status();
    }

    static URI admin(Pair pair, String path) {
        return URI.create("http://127.0.0.1:" + pair.carpgate.admin().orElseThrow().port() + path);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
