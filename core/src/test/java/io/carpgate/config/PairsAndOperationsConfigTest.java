package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carpgate.policy.OnUnknownCarp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pairs, admin and logs keys: what they mean, their defaults and how mistakes are reported. */
class PairsAndOperationsConfigTest {
    private static final String PIN = ConfigLoaderTest.PIN;
    private static final String HEAD = "listen: {host: 0.0.0.0, port: 8443}\n"
            + "tls: {cert: certs/c.crt, key: certs/c.key}\n"
            + "logs: {dir: logs}\n";

    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "ka:sa\n");
        Files.writeString(dir.resolve("b.txt"), "kb:sb\n");
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("carpgate.yml"), yaml);
    }

    private static String pair(String name, String path, String host, String extra) {
        return "  - name: " + name + "\n    path: " + path + "\n"
                + "    backup: {url: 'https://" + host + "', pin-sha256: '" + PIN + "', api-credentials: "
                + name.charAt(name.length() - 1) + ".txt}\n" + extra;
    }

    @Test
    void eachPairHasItsPathBackupCredentialsMapAndPolicy() throws Exception {
        Files.writeString(dir.resolve("a-map.yml"), "wireguard:\n  wg0: {vhid: 7}\n");
        CarpgateConfig config = ConfigLoader.load(write(HEAD + "on-unknown-carp: forward\npairs:\n"
                + pair("site-a", "/site-a/", "192.0.2.2", "    vhid-map: a-map.yml\n")
                + pair("site-b", "/dc/b", "198.51.100.2", "    on-unknown-carp: suppress\n")), Map.of());
        assertThat(config.pairs()).extracting(PairConfig::name).containsExactly("site-a", "site-b");
        PairConfig a = config.pairs().get(0);
        PairConfig b = config.pairs().get(1);
        assertThat(a.path()).isEqualTo("/site-a");
        assertThat(b.path()).isEqualTo("/dc/b");
        assertThat(a.backup().apiCredentials()).isEqualTo(new ApiCredentials("ka", "sa"));
        assertThat(b.backup().apiCredentials()).isEqualTo(new ApiCredentials("kb", "sb"));
        assertThat(a.vhidMap().source()).contains(dir.resolve("a-map.yml").toAbsolutePath());
        assertThat(a.vhidMap().all()).as("loaded with the configuration, the entry's key at line 2, column 3")
                .extracting(io.carpgate.policy.VhidMapEntry::place).containsExactly("a-map.yml:2:3");
        assertThat(b.vhidMap()).isEqualTo(io.carpgate.policy.VhidMap.none());
        assertThat(a.onUnknownCarp()).as("the top-level default").isEqualTo(OnUnknownCarp.FORWARD);
        assertThat(b.onUnknownCarp()).as("the pair's own").isEqualTo(OnUnknownCarp.SUPPRESS);
        assertThat(a.masterUrl("fw", 8443)).isEqualTo("https://fw:8443/site-a/");
        assertThat(config.inputs()).contains(dir.resolve("carpgate.yml").toAbsolutePath(),
                dir.resolve("a.txt").toAbsolutePath(), dir.resolve("b.txt").toAbsolutePath(),
                dir.resolve("a-map.yml").toAbsolutePath(), dir.resolve("certs/c.crt").toAbsolutePath());
    }

    @Test
    void theSinglePairFormIsOnePairNamedDefaultAtTheRoot() throws Exception {
        CarpgateConfig config = ConfigLoader.load(write(HEAD
                + "backup: {url: 'https://192.0.2.2', pin-sha256: '" + PIN + "', api-credentials: a.txt}\n"), Map.of());
        assertThat(config.pairs()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("default");
            assertThat(p.path()).isEqualTo("/");
            assertThat(p.masterUrl("fw", 8443)).isEqualTo("https://fw:8443/");
        });
    }

    @Test
    void pairMistakesAreRefusedWithTheirLine() throws Exception {
        String backup = "backup: {url: 'https://192.0.2.2', pin-sha256: '" + PIN + "', api-credentials: a.txt}\n";
        Path both = write(HEAD + backup + "pairs:\n" + pair("site-a", "/a", "192.0.2.2", ""));
        assertThatThrownBy(() -> ConfigLoader.load(both, Map.of())).hasMessageContaining("not both");
        Path neither = write(HEAD);
        assertThatThrownBy(() -> ConfigLoader.load(neither, Map.of())).hasMessageContaining("not neither");
        Path samePath = write(HEAD + "pairs:\n" + pair("site-a", "/a", "192.0.2.2", "") + pair("site-b", "/a/", "192.0.2.3", ""));
        assertThatThrownBy(() -> ConfigLoader.load(samePath, Map.of())).hasMessageContaining("same path");
        Path sameName = write(HEAD + "pairs:\n" + pair("site-a", "/a", "192.0.2.2", "") + pair("site-a", "/b", "192.0.2.3", ""));
        assertThatThrownBy(() -> ConfigLoader.load(sameName, Map.of())).hasMessageContaining("same name");
        Path badPath = write(HEAD + "pairs:\n" + pair("site-a", "/a/../b", "192.0.2.2", ""));
        // Jackson places a record's error where the record ends; the message quotes the value to find it by.
        assertThatThrownBy(() -> ConfigLoader.load(badPath, Map.of())).hasMessageMatching(
                java.util.regex.Pattern.quote(badPath.toString()) + ":\\d+:\\d+: pairs\\[\\]\\.path .*'/a/\\.\\./b'");
        Path badName = write(HEAD + "pairs:\n" + pair("site a", "/a", "192.0.2.2", ""));
        assertThatThrownBy(() -> ConfigLoader.load(badName, Map.of())).hasMessageContaining("pairs[].name");
        Path topMap = write(HEAD + "vhid-map: m.yml\npairs:\n" + pair("site-a", "/a", "192.0.2.2", ""));
        assertThatThrownBy(() -> ConfigLoader.load(topMap, Map.of())).hasMessageContaining("inside each entry");
        Path empty = write(HEAD + "pairs: []\n");
        assertThatThrownBy(() -> ConfigLoader.load(empty, Map.of())).hasMessageContaining("at least one pair");
        Path badUrl = write(HEAD + "pairs:\n" + pair("site-a", "/a", "192.0.2.2", "").replace("https://", "http://"));
        assertThatThrownBy(() -> ConfigLoader.load(badUrl, Map.of())).hasMessageContaining("pairs[site-a].backup.url");
        Path envWithPairs = write(HEAD + "pairs:\n" + pair("site-a", "/a", "192.0.2.2", ""));
        assertThatThrownBy(() -> ConfigLoader.load(envWithPairs, Map.of("CARPGATE_BACKUP_API_KEY", "k",
                "CARPGATE_BACKUP_API_SECRET", "s"))).hasMessageContaining("give each pair its own");
    }

    @Test
    void theAdminListenerIsOnLoopbackByDefaultAndCanBeMovedOrTurnedOff() throws Exception {
        String backup = "backup: {url: 'https://192.0.2.2', pin-sha256: '" + PIN + "', api-credentials: a.txt}\n";
        assertThat(ConfigLoader.load(write(HEAD + backup), Map.of()).admin())
                .contains(new CarpgateConfig.Listen("127.0.0.1", 9180));
        assertThat(ConfigLoader.load(write(HEAD + backup + "admin: {host: 10.0.0.5, port: 9999}\n"), Map.of()).admin())
                .contains(new CarpgateConfig.Listen("10.0.0.5", 9999));
        assertThat(ConfigLoader.load(write(HEAD + backup + "admin: {enabled: false}\n"), Map.of()).admin()).isEmpty();
        Path badPort = write(HEAD + backup + "admin: {port: 70000}\n");
        assertThatThrownBy(() -> ConfigLoader.load(badPort, Map.of())).hasMessageContaining("admin.port");
    }

    @Test
    void logRetentionSizesAndLevelHaveDefaultsAndLimits() throws Exception {
        String backup = "backup: {url: 'https://192.0.2.2', pin-sha256: '" + PIN + "', api-credentials: a.txt}\n";
        LogSettings defaults = ConfigLoader.load(write(HEAD + backup), Map.of()).logs();
        assertThat(defaults).isEqualTo(new LogSettings(dir.resolve("logs").toAbsolutePath(), 30, 50L << 20, 2L << 30,
                LogSettings.Level.INFO));
        LogSettings set = ConfigLoader.load(write(HEAD.replace("logs: {dir: logs}",
                "logs: {dir: /var/log/carpgate, retention-days: 90, max-file-size: 10MiB, total-size-cap: 1TiB, level: warn}")
                + backup), Map.of()).logs();
        assertThat(set).isEqualTo(new LogSettings(Path.of("/var/log/carpgate"), 90, 10L << 20, 1L << 40,
                LogSettings.Level.WARN));
        Path badDays = write(HEAD.replace("logs: {dir: logs}", "logs: {dir: logs, retention-days: 0}") + backup);
        assertThatThrownBy(() -> ConfigLoader.load(badDays, Map.of())).hasMessageStartingWith(badDays + ":3:")
                .hasMessageContaining("retention-days");
        Path badLevel = write(HEAD.replace("logs: {dir: logs}", "logs: {dir: logs, level: verbose}") + backup);
        assertThatThrownBy(() -> ConfigLoader.load(badLevel, Map.of())).hasMessageContaining("error, warn, info, debug or trace");
    }
}
