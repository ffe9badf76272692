package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carpgate.policy.OnUnknownCarp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final String PIN = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    @TempDir
    Path dir;

    @BeforeEach
    void credentials() throws Exception {
        Files.writeString(dir.resolve("api.txt"), "the-key:the-secret\n");
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("carpgate.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private static String valid(String backupExtra) {
        return "listen: {host: 0.0.0.0, port: 8443}\n"
                + "tls: {cert: certs/c.crt, key: certs/c.key}\n"
                + "backup:\n"
                + "  url: https://192.0.2.2:4443/\n"
                + backupExtra
                + "  api-credentials: api.txt\n"
                + "logs: {dir: logs}\n";
    }

    /** state-dir as written; else systemd's StateDirectory (a configuration older than the key); else ../state. */
    @Test
    void theStateFolderIsAsWrittenElseSystemdsElseBesideTheConfigurationsFolder() throws Exception {
        assertThat(ConfigLoader.load(write(valid("  insecure: true\n") + "state-dir: kept\n"), Map.of()).stateDir())
                .contains(dir.resolve("kept").toAbsolutePath());
        assertThat(ConfigLoader.load(write(valid("  insecure: true\n")),
                Map.of("STATE_DIRECTORY", "/var/lib/carpgate:/var/lib/other")).stateDir())
                .contains(Path.of("/var/lib/carpgate/state"));
        assertThat(ConfigLoader.load(write(valid("  insecure: true\n")), Map.of()).stateDir())
                .contains(dir.toAbsolutePath().getParent().resolve("state"));
    }

    @Test
    void aFullConfigurationLoadsWithPathsResolvedAgainstItsFolder() throws Exception {
        CarpgateConfig config = ConfigLoader.load(write(valid("  pin-sha256: \"" + PIN.toLowerCase() + "\"\n")
                + "on-unknown-carp: forward\nlimits: {max-body: 2MiB, upstream-timeout: 1500ms}\n"), Map.of());
        assertThat(config.pairs().get(0).backup().url().toString()).isEqualTo("https://192.0.2.2:4443");
        assertThat(config.pairs().get(0).backup().xmlrpcUri().toString()).isEqualTo("https://192.0.2.2:4443/xmlrpc.php");
        assertThat(config.pairs().get(0).backup().trust()).isInstanceOf(UpstreamTrust.Pin.class);
        assertThat(((UpstreamTrust.Pin) config.pairs().get(0).backup().trust()).sha256().colonHex()).isEqualTo(PIN);
        assertThat(config.pairs().get(0).backup().apiCredentials()).isEqualTo(new ApiCredentials("the-key", "the-secret"));
        assertThat(config.tls().cert()).isEqualTo(dir.resolve("certs/c.crt").toAbsolutePath());
        assertThat(config.logsDir()).isEqualTo(dir.resolve("logs").toAbsolutePath());
        assertThat(config.pairs().get(0).onUnknownCarp()).isEqualTo(OnUnknownCarp.FORWARD);
        assertThat(config.limits().maxBodyBytes()).isEqualTo(2L << 20);
        assertThat(config.limits().upstreamTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.limits().apiTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.pairs().get(0).vhidMap()).isEqualTo(io.carpgate.policy.VhidMap.none());
    }

    @Test
    void credentialsComeFromTheEnvironmentAndOpnsenseApikeyFormat() throws Exception {
        Files.writeString(dir.resolve("api.txt"), "key=k1\nsecret=s1\n");
        Path file = write(valid("  insecure: true\n"));
        assertThat(ConfigLoader.load(file, Map.of()).pairs().get(0).backup().apiCredentials()).isEqualTo(new ApiCredentials("k1", "s1"));
        assertThat(ConfigLoader.load(file, Map.of("CARPGATE_BACKUP_API_KEY", "ek", "CARPGATE_BACKUP_API_SECRET", "es"))
                .pairs().get(0).backup().apiCredentials()).isEqualTo(new ApiCredentials("ek", "es"));
    }

    @Test
    void credentialsNeverShowTheirSecret() {
        assertThat(new ApiCredentials("k", "very-secret").toString()).doesNotContain("very-secret");
    }

    @Test
    void unknownKeysAreReportedWithLineAndKnownKeys() throws Exception {
        Path file = write(valid("  pin-sha256: \"" + PIN + "\"\n") + "lsiten: {host: x}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":8:")
                .hasMessageContaining("unknown key 'lsiten'").hasMessageContaining("listen");
    }

    @Test
    void errorsNameTheLineTheyStandOn() throws Exception {
        Path badPort = write("listen: {host: 0.0.0.0, port: 70000}\n");
        assertThatThrownBy(() -> ConfigLoader.load(badPort, Map.of())).hasMessageStartingWith(badPort + ":1:")
                .hasMessageContaining("listen.port");
        Path twoTrusts = write(valid("  pin-sha256: \"" + PIN + "\"\n  insecure: true\n"));
        assertThatThrownBy(() -> ConfigLoader.load(twoTrusts, Map.of())).hasMessageContaining("exactly one of pin-sha256");
        Path badSize = write(valid("  insecure: true\n") + "limits: {max-body: lots}\n");
        assertThatThrownBy(() -> ConfigLoader.load(badSize, Map.of())).hasMessageStartingWith(badSize + ":8:")
                .hasMessageContaining("limits.max-body");
        Path staleCarp = write(valid("  insecure: true\n") + "limits: {carp-cache: 5s}\n");
        assertThatThrownBy(() -> ConfigLoader.load(staleCarp, Map.of())).hasMessageStartingWith(staleCarp + ":8:")
                .hasMessageContaining("limits.carp-cache must be at most 2s");
        Path duplicate = write(valid("  insecure: true\n") + "logs: {dir: other}\n");
        assertThatThrownBy(() -> ConfigLoader.load(duplicate, Map.of())).hasMessageContaining("duplicate key");
        Path missing = write("listen: {host: 0.0.0.0, port: 8443}\n");
        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of())).hasMessageContaining("missing required key");
    }

    @Test
    void badValuesAreRefusedInWordsWithoutQuotingSecrets() throws Exception {
        Path http = write(valid("  insecure: true\n").replace("https://", "http://"));
        assertThatThrownBy(() -> ConfigLoader.load(http, Map.of())).hasMessageContaining("must be https");
        Files.writeString(dir.resolve("api.txt"), "just-one-token-no-colon-TOPSECRET\n");
        Path creds = write(valid("  insecure: true\n"));
        assertThatThrownBy(() -> ConfigLoader.load(creds, Map.of()))
                .hasMessageContaining("expected one line key:secret").hasMessageNotContaining("TOPSECRET");
        Path unknownPolicy = write(valid("  insecure: true\n") + "on-unknown-carp: maybe\n");
        assertThatThrownBy(() -> ConfigLoader.load(unknownPolicy, Map.of())).hasMessageContaining("suppress or forward");
        Path empty = write("  \n");
        assertThatThrownBy(() -> ConfigLoader.load(empty, Map.of())).hasMessageContaining("empty");
    }
}
