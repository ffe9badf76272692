package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpStatus;
import io.carpgate.sim.SimulatedBackup;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.carpgate.e2e.EndToEnd;

@EndToEnd
class CheckCommandTest {
    static final String OTHER_PIN = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";

    @TempDir
    Path dir;
    SimulatedBackup backup;

    @BeforeEach
    void start() throws Exception {
        backup = SimulatedBackup.start(SimulatedBackup.Options.defaults().withApiCredentials("k", "the-secret"));
        backup.setCarpStatus(2, "lan", CarpStatus.MASTER);
    }

    @AfterEach
    void stop() {
        backup.close();
    }

    private CliRun check(String pin, String secret, String map) throws Exception {
        Files.writeString(dir.resolve("api.txt"), "k:" + secret + "\n");
        Files.writeString(dir.resolve("map.yml"), map);
        Path file = dir.resolve("carpgate.yml");
        Files.writeString(file, "listen: {host: 127.0.0.1, port: 0}\ntls: {cert: c.crt, key: c.key}\n"
                + "backup:\n  url: " + backup.baseUrl() + "\n  pin-sha256: \"" + pin + "\"\n  api-credentials: api.txt\n"
                + "vhid-map: map.yml\nlogs: {dir: logs}\n");
        return CliRun.of("check", "--config", file.toString());
    }

    @Test
    void aHealthyPairPrintsTheVhidsAndTheMapsInstances() throws Exception {
        CliRun result = check(backup.fingerprint().toString(), "the-secret",
                "instances:\n  wg0-branches:\n    vhid: 7\n    interface: opt2\n  wg1:\n    vhid: 2\n");
        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).containsPattern("7 +opt2 +9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d +BACKUP")
                .containsPattern("2 +lan +0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f +MASTER")
                .containsPattern("wg0-branches +7 +opt2 +9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d +BACKUP")
                .containsPattern("wg1 +2 +- +0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f +MASTER")
                .doesNotContain("the-secret");
    }

    @Test
    void theMapsItemsAreListedWithTheirKind() throws Exception {
        CliRun result = check(backup.fingerprint().toString(), "the-secret",
                "wireguard:\n  branch: {vhid: 7}\nopenvpn:\n  branch: {vhid: 7, interface: opt2}\n"
                        + "dhcrelay:\n  lan: {vhid: 2}\n");
        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).contains("(3 entries)")
                .containsPattern("KIND +ITEM \\(VHID MAP\\) +VHID")
                .containsPattern("wireguard +branch +7 +- +9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d +BACKUP")
                .containsPattern("openvpn +branch +7 +opt2 +9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d +BACKUP")
                .containsPattern("dhcrelay +lan +2 +- +0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f +MASTER");
    }

    @Test
    void aVhidTheBackupDoesNotHaveFails() throws Exception {
        CliRun result = check(backup.fingerprint().toString(), "the-secret", "instances:\n  wg9:\n    vhid: 9\n");
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).contains("UNRESOLVED: backup has no CARP VIP with VHID 9");
    }

    @Test
    void aWrongPinOrSecretFailsNamingTheCause() throws Exception {
        CliRun pin = check(OTHER_PIN, "the-secret", "instances:\n  wg0:\n    vhid: 7\n");
        assertThat(pin.status()).isEqualTo(1);
        assertThat(pin.err()).contains("does not match the configured pin");
        CliRun secret = check(backup.fingerprint().toString(), "wrong", "instances:\n  wg0:\n    vhid: 7\n");
        assertThat(secret.status()).isEqualTo(1);
        assertThat(secret.err()).contains("401").doesNotContain("wrong");
    }

    @Test
    void aConfigurationErrorIsStatus2() throws Exception {
        CliRun result = check(backup.fingerprint().toString(), "the-secret", "instances:\n  wg0:\n    vhid: 0\n");
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("map.yml:3:");
    }

    @Test
    void withSeveralPairsEachIsCheckedAndOneBadPairFailsTheWhole() throws Exception {
        try (SimulatedBackup other = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withApiCredentials("k2", "other-secret"))) {
            other.setCarpStatus(7, "opt2", CarpStatus.MASTER);
            Files.writeString(dir.resolve("a.txt"), "k:the-secret\n");
            Files.writeString(dir.resolve("b.txt"), "k2:other-secret\n");
            Files.writeString(dir.resolve("a-map.yml"), "instances:\n  wg0-branches: {vhid: 7, interface: opt2}\n");
            String head = "listen: {host: 127.0.0.1, port: 0}\ntls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\npairs:\n"
                    + "  - name: site-a\n    path: /site-a\n    vhid-map: a-map.yml\n"
                    + "    backup: {url: '" + backup.baseUrl() + "', pin-sha256: '" + backup.fingerprint()
                    + "', api-credentials: a.txt}\n"
                    + "  - name: site-b\n    path: /site-b\n";
            Path file = dir.resolve("carpgate.yml");
            Files.writeString(file, head + "    backup: {url: '" + other.baseUrl() + "', pin-sha256: '"
                    + other.fingerprint() + "', api-credentials: b.txt}\n");
            CliRun ok = CliRun.of("check", "--config", file.toString());
            assertThat(ok.status()).as(ok.err()).isZero();
            assertThat(ok.out()).contains("2 pair(s)", "pair site-a at /site-a", "pair site-b at /site-b")
                    .containsPattern("wg0-branches +7 +opt2 +9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d +BACKUP")
                    .containsPattern("(?s)pair site-b.*7 +opt2 +9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d +MASTER")
                    .doesNotContain("the-secret", "other-secret");

            Files.writeString(file, head + "    backup: {url: '" + other.baseUrl() + "', pin-sha256: '" + OTHER_PIN
                    + "', api-credentials: b.txt}\n");
            CliRun bad = CliRun.of("check", "--config", file.toString());
            assertThat(bad.status()).isEqualTo(1);
            assertThat(bad.out()).contains("backup " + backup.baseUrl() + ": TLS and API ok");
            assertThat(bad.err()).contains("pair site-b", "does not match the configured pin");
        }
    }
}
