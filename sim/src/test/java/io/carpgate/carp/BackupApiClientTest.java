package io.carpgate.carp;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.testkit.Fixtures;
import io.carpgate.testkit.PinnedTls;
import io.carpgate.sim.SimulatedBackup;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.carpgate.e2e.EndToEnd;

@EndToEnd
class BackupApiClientTest {
    private SimulatedBackup backup;
    private HttpClient http;
    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));

    @BeforeEach
    void start() throws Exception {
        backup = SimulatedBackup.start(SimulatedBackup.Options.defaults());
        http = PinnedTls.jettyClient(backup.fingerprint());
    }

    @AfterEach
    void stop() throws Exception {
        http.stop();
        backup.close();
    }

    private BackupApiClient client(URI base, String secret, Duration timeout) {
        return new BackupApiClient(http, base, "sim-api-key", secret, timeout, clock);
    }

    private CarpCache cache(List<CarpReading> reads) {
        BackupApiClient api = client();
        return new CarpCache(api::read, Duration.ofSeconds(5), api.maxWait(), clock, reads::add);
    }

    private BackupApiClient client() {
        return client(backup.baseUrl(), "sim-api-secret", Duration.ofSeconds(5));
    }

    @Test
    void readsBothEndpointsIntoAKnownView() {
        CarpView view = client().readNow();
        assertThat(view).isInstanceOf(CarpView.Known.class);
        CarpView.Known known = (CarpView.Known) view;
        assertThat(known.vips()).containsExactly(
                new BackupVip("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "opt2", 7, "198.51.100.5", "WAN2 CARP"),
                new BackupVip("0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f", "lan", 2, "192.168.1.1", "LAN CARP"));
        assertThat(known.states()).containsExactly(new VipState("WAN2", 7, "198.51.100.5", "BACKUP"),
                new VipState("LAN", 2, "192.168.1.1", "BACKUP"));
        assertThat(known.fetchedAt()).isEqualTo(clock.instant());
        assertThat(known.statusOf(7, Optional.of("opt2"))).isEqualTo(new CarpView.Resolved.Yes<>(CarpStatus.BACKUP));
    }

    @Test
    void theCacheReusesAReadForItsTtlThenReadsAgain() {
        List<CarpReading> reads = new ArrayList<>();
        CarpCache cache = cache(reads);
        cache.current();
        assertThat(backup.received()).hasSize(2);
        backup.setCarpStatus(7, "WAN2", CarpStatus.MASTER);
        // Within the first half of the period: the reading is used as it is (past half, a read ahead would start).
        clock.advance(Duration.ofSeconds(2));
        CarpView cached = cache.current();
        assertThat(backup.received()).hasSize(2);
        assertThat(((CarpView.Known) cached).statusOf(7, Optional.empty()))
                .isEqualTo(new CarpView.Resolved.Yes<>(CarpStatus.BACKUP));
        clock.advance(Duration.ofSeconds(3));
        CarpView fresh = cache.current();
        assertThat(backup.received()).hasSize(4);
        assertThat(((CarpView.Known) fresh).statusOf(7, Optional.empty()))
                .isEqualTo(new CarpView.Resolved.Yes<>(CarpStatus.MASTER));
        assertThat(reads).hasSize(2);
    }

    @Test
    void watchersSeeTheLastReadingAndNeverReadThemselves() {
        List<CarpReading> reads = new ArrayList<>();
        CarpCache cache = cache(reads);
        for (int i = 0; i < 20; i++) {
            assertThat(cache.lastSeen()).isEmpty();
        }
        assertThat(backup.received()).isEmpty();
        cache.current();
        clock.advance(Duration.ofMinutes(10));
        for (int i = 0; i < 20; i++) {
            assertThat(cache.lastSeen()).get().extracting(CarpReading::answered).isEqualTo(true);
        }
        assertThat(cache.lastSeen().get().age(clock.instant())).isEqualTo(Duration.ofMinutes(10));
        assertThat(backup.received()).hasSize(2);
    }

    @Test
    void wrongSecretIsRefusedWithoutSayingTheSecret() {
        CarpView view = client(backup.baseUrl(), "wrong-secret-value", Duration.ofSeconds(5)).readNow();
        assertThat(view).isEqualTo(new CarpView.Unavailable("backup API refused the credentials (HTTP 401)"));
    }

    @Test
    void aFailedReadIsRememberedForTheTtlSoADeadApiIsNotHammeredThenRetried() {
        List<CarpReading> reads = new ArrayList<>();
        CarpCache cache = cache(reads);
        backup.setApiAvailable(false);
        for (int i = 0; i < 10; i++) {
            CarpView view = cache.current();
            assertThat(view).isInstanceOf(CarpView.Unavailable.class);
            assertThat(((CarpView.Unavailable) view).reason()).contains("HTTP 500").doesNotContain("sim-api-secret")
                    .doesNotContain("Unexpected error");
        }
        assertThat(reads).hasSize(1);
        assertThat(backup.received()).hasSize(2);
        backup.setApiAvailable(true);
        clock.advance(Duration.ofSeconds(5));
        assertThat(cache.current()).isInstanceOf(CarpView.Known.class);
        assertThat(reads).extracting(CarpReading::answered).containsExactly(false, true);
    }

    @Test
    void aPinMismatchIsSaidAsSuchNotAsUnreachable() throws Exception {
        io.carpgate.tls.Fingerprint other = io.carpgate.tls.Fingerprint.parse("AB".repeat(32)).orElseThrow();
        HttpClient pinnedElsewhere = BackupApiClient.newHttpClient(io.carpgate.tls.TlsContexts.client(
                new io.carpgate.config.UpstreamTrust.Pin(other)));
        try {
            CarpView view = new BackupApiClient(pinnedElsewhere, backup.baseUrl(), "sim-api-key", "sim-api-secret",
                    Duration.ofSeconds(5), clock).readNow();
            assertThat(((CarpView.Unavailable) view).reason()).startsWith("backup TLS certificate rejected")
                    .contains("does not match the configured pin " + other).doesNotContain("unreachable");
        } finally {
            pinnedElsewhere.stop();
        }
    }

    @Test
    void unreachablePortIsUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CarpView view = client(URI.create("https://127.0.0.1:" + port), "sim-api-secret", Duration.ofSeconds(5)).readNow();
        assertThat(((CarpView.Unavailable) view).reason()).contains("unreachable");
    }

    @Test
    void silentServerTimesOut() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                for (int i = 0; i < 10; i++) { // bounded: at most a few connections are expected
                    try {
                        accepted.add(silent.accept());
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long started = System.nanoTime();
            CarpView view = client(URI.create("https://127.0.0.1:" + silent.getLocalPort()), "sim-api-secret",
                    Duration.ofMillis(400)).readNow();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(((CarpView.Unavailable) view).reason()).contains("did not answer within 400 ms");
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void aMissingPrivilegeIsAnHttp403NotARefusedKey() throws Exception {
        backup.close();
        backup = SimulatedBackup.start(SimulatedBackup.Options.defaults().withoutApiPrivilege());
        http.stop();
        http = PinnedTls.jettyClient(backup.fingerprint());
        assertThat(client().readNow()).isEqualTo(new CarpView.Unavailable(
                "the API key may not read /api/interfaces/vip_settings/search_item (HTTP 403): give its user the "
                        + "privilege 'Interfaces: Virtual IPs: Settings'"));
    }

    @Test
    void aFailedLoginIsAnsweredAfterTheConfiguredDelay() throws Exception {
        // OPNsense pads a failed API login to about 2 s; the simulator's delay is configurable (default small).
        backup.close();
        backup = SimulatedBackup.start(SimulatedBackup.Options.defaults().withAuthFailureDelay(Duration.ofMillis(700)));
        http.stop();
        http = PinnedTls.jettyClient(backup.fingerprint());
        long started = System.nanoTime();
        CarpView view = client(backup.baseUrl(), "wrong", Duration.ofSeconds(10)).readNow();
        assertThat(view).isEqualTo(new CarpView.Unavailable("backup API refused the credentials (HTTP 401)"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    }

    @Test
    void theCarpPasswordOfTheAnswerIsKeptInNoObjectTheReadLeaves() throws Exception {
        String password = "KNOWN-carp-password-4711";
        backup.close();
        backup = SimulatedBackup.start(SimulatedBackup.Options.defaults().withVips(List.of(
                new io.carpgate.sim.SimVip("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "opt2", "WAN2", 7, "198.51.100.5",
                        28, "WAN2 CARP", password, false))));
        http.stop();
        http = PinnedTls.jettyClient(backup.fingerprint());
        List<CarpReading> reads = new ArrayList<>();
        CarpCache cache = cache(reads);
        CarpView view = cache.current();
        assertThat(view).isInstanceOf(CarpView.Known.class); // the answer with the password was read
        assertThat(((CarpView.Known) view).vips()).hasSize(1);
        assertThat(reads).isNotEmpty();
        for (Object kept : List.of(view, reads, cache.lastSeen())) {
            assertThat(Retained.strings(kept)).as("strings reachable from " + kept.getClass().getSimpleName())
                    .isNotEmpty().noneMatch(text -> text.contains(password));
            assertThat(String.valueOf(kept)).doesNotContain(password);
        }
    }

    @Test
    void theAllFieldsAnswerParsesAndItsPasswordIsNotRead() throws Exception {
        byte[] answer = Fixtures.bytes("vip_settings.search_item.all-fields.response.json");
        List<BackupVip> vips = new BackupApiJson().vips(answer);
        assertThat(vips).containsExactly(
                new BackupVip("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "opt2", 7, "198.51.100.5", "WAN2 CARP"),
                new BackupVip("0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f", "lan", 2, "192.168.1.1", "LAN CARP"));
        assertThat(Retained.strings(vips)).noneMatch(text -> text.contains("sim-carp-password-never-show"));
        // A password that is not a string, or a row with odd members, still parses to the same rows.
        byte[] odd = ("{\"rows\":[{\"password\":{\"a\":[1,\"x\"]},\"uuid\":\"c\",\"interface\":\"lan\","
                + "\"mode\":\"carp\",\"subnet\":\"10.0.0.3\",\"subnet_bits\":\"24\",\"vhid\":3,\"descr\":null},"
                + "7,[\"x\"]],\"total\":1}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(new BackupApiJson().vips(odd)).containsExactly(new BackupVip("c", "lan", 3, "10.0.0.3", ""));
    }

    @Test
    void fixtureJsonParses() throws Exception {
        BackupApiJson json = new BackupApiJson();
        assertThat(json.vips(Fixtures.bytes("vip_settings.search_item.response.json"))).hasSize(2)
                .first().isEqualTo(new BackupVip("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "opt2", 7, "198.51.100.5", "WAN2 CARP"));
        assertThat(json.states(Fixtures.bytes("get_vip_status.response.json")))
                .containsExactly(new VipState("WAN2", 7, "198.51.100.5", "BACKUP"), new VipState("LAN", 2, "192.168.1.1", "BACKUP"));
    }

    @Test
    void nonCarpAndNonNumericRowsAreSkippedAndGarbageIsRefused() throws Exception {
        BackupApiJson json = new BackupApiJson();
        byte[] rows = ("{\"rows\":[{\"uuid\":\"a\",\"interface\":\"lan\",\"mode\":\"ipalias\",\"subnet\":\"10.0.0.1/24\",\"vhid\":\"\"},"
                + "{\"uuid\":\"b\",\"interface\":\"lan\",\"mode\":\"carp\",\"subnet\":\"10.0.0.2/24\",\"vhid\":\"x\"},"
                + "{\"uuid\":\"c\",\"interface\":\"lan\",\"mode\":\"carp\",\"subnet\":\"10.0.0.3/24\",\"vhid\":\"3\",\"descr\":\"\"}]}")
                .getBytes();
        assertThat(json.vips(rows)).containsExactly(new BackupVip("c", "lan", 3, "10.0.0.3", ""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> json.vips("<html>secret-ish</html>".getBytes()))
                .hasMessage("is not valid JSON");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> json.states("{}".getBytes()))
                .hasMessage("has no 'rows' array");
    }

    /** A clock tests move by hand. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
