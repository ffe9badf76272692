package io.carpgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The declared table of restart-only settings: each is named when its file value differs, and only then. */
class RestartOnlyTest {
    private static final String PIN = "AB:".repeat(31) + "AB";

    @TempDir
    Path dir;

    /** A configuration whose top-level lines are the defaults below, each replaced by a line of {@code yaml}. */
    private CarpgateConfig load(String yaml) throws Exception {
        Files.writeString(dir.resolve("api.txt"), "key:secret\n");
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("listen", "listen: {host: 127.0.0.1, port: 8443}");
        lines.put("tls", "tls: {cert: carpgate.crt, key: carpgate.key}");
        lines.put("logs", "logs: {dir: logs}");
        lines.put("backup", "backup: {url: 'https://192.0.2.2', pin-sha256: '" + PIN + "', api-credentials: api.txt}");
        for (String line : yaml.split("\n")) {
            if (!line.isBlank()) {
                lines.put(line.substring(0, line.indexOf(':')), line);
            }
        }
        Path file = Files.writeString(dir.resolve("carpgate.yml"), String.join("\n", lines.values()) + "\n");
        return ConfigLoader.load(file, Map.of());
    }

    @Test
    void theSameFileNeedsNoRestart() throws Exception {
        assertThat(RestartOnly.changed(load(""), load(""))).isEmpty();
    }

    @Test
    void eachRestartOnlySettingIsNamedWithItsKey() throws Exception {
        CarpgateConfig started = load("");
        assertThat(RestartOnly.changed(started, load("listen: {host: 127.0.0.1, port: 9443}\n")))
                .containsExactly("listen");
        assertThat(RestartOnly.changed(started, load("logs: {dir: elsewhere}\n")))
                .containsExactly("logs (dir, retention-days, max-file-size, total-size-cap)");
        assertThat(RestartOnly.changed(started, load("limits: {request-read-timeout: 3s, max-connections: 7}\n")))
                .containsExactly("limits.request-read-timeout", "limits.max-connections");
        assertThat(RestartOnly.changed(started, load("limits: {tls-handshake-timeout: 3s}\n")))
                .containsExactly("limits.tls-handshake-timeout");
        assertThat(RestartOnly.changed(started, load("state-dir: other-state\n"))).containsExactly("state-dir");
        assertThat(RestartOnly.changed(started, load("admin: {host: 127.0.0.1, port: 9000}\n"))).containsExactly("admin");
        assertThat(RestartOnly.changed(started, load("tls: {cert: other.crt, key: other.key}\n")))
                .containsExactly("tls (the file names; a new certificate in the same files is used at once)");
    }

    @Test
    void whatAReloadAppliesIsNoRestartOnlySetting() throws Exception {
        CarpgateConfig started = load("");
        assertThat(RestartOnly.changed(started, load("mode: observe\nallowed-users: [admin]\n"
                + "logs: {dir: logs, level: debug}\nlimits: {upstream-timeout: 20s, body-budget: 64MiB}\n"))).isEmpty();
    }
}
