package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container image sets CARPGATE_ADMIN_HOST so that its published admin port reaches the admin listener. */
class AdminHostFromEnvironmentTest {
    @TempDir
    Path dir;

    private CarpgateConfig load(String admin, Map<String, String> env) throws Exception {
        Files.writeString(dir.resolve("api.txt"), "k:s\n");
        return ConfigLoader.load(Files.writeString(dir.resolve("carpgate.yml"), "listen: {host: 0.0.0.0, port: 8443}\n"
                + "tls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\n"
                + "backup: {url: 'https://192.0.2.2', insecure: true, api-credentials: api.txt}\n" + admin), env);
    }

    @Test
    void theEnvironmentNamesTheHostAndTheFileKeepsThePort() throws Exception {
        assertThat(load("admin: {host: 127.0.0.1, port: 9180}\n", Map.of("CARPGATE_ADMIN_HOST", "0.0.0.0")).admin())
                .contains(new CarpgateConfig.Listen("0.0.0.0", 9180));
        assertThat(load("", Map.of("CARPGATE_ADMIN_HOST", "0.0.0.0")).admin())
                .contains(new CarpgateConfig.Listen("0.0.0.0", ConfigLoader.DEFAULT_ADMIN.port()));
    }

    @Test
    void withoutItTheFileDecidesAndADisabledListenerStaysOff() throws Exception {
        assertThat(load("admin: {host: 127.0.0.1, port: 9180}\n", Map.of()).admin())
                .contains(new CarpgateConfig.Listen("127.0.0.1", 9180));
        assertThat(load("admin: {enabled: false}\n", Map.of("CARPGATE_ADMIN_HOST", "0.0.0.0")).admin()).isEmpty();
    }
}
