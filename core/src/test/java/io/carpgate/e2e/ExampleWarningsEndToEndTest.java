package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.runtime.Carpgate;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** carpgate started on the shipped conf/ says, at start, each value still left as in the example. */
@EndToEnd
class ExampleWarningsEndToEndTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("try") // the resource is held open on purpose (a listener, a connection) while the body runs
    void runSaysTheExamplesPlaceholdersAtStart() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        for (String name : new String[] {"carpgate.yml", "vhid-map.yml", "backup-api.txt"}) {
            Files.copy(Path.of("conf", "examples", name), conf.resolve(name));
        }
        Path file = conf.resolve("carpgate.yml");
        String shipped = Files.readString(file);
        String loopback = shipped.replace("{host: 0.0.0.0, port: 8443}", "{host: 127.0.0.1, port: 0}")
                .replace("port: 9180}", "port: 0}");
        assertThat(loopback).as("the example's listen and admin lines, as the README gives them").isNotEqualTo(shipped)
                .doesNotContain("8443}", "9180}");
        Files.writeString(file, loopback);
        CarpgateConfig config = ConfigLoader.load(file, Map.of());
        io.carpgate.observe.LogSetup.configure(config.logs());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Carpgate running = Carpgate.start(config, new PrintStream(console, true, StandardCharsets.UTF_8))) {
            assertThat(console.toString(StandardCharsets.UTF_8)).contains(
                    "WARNING: pair default: backup.pin-sha256 is the example's placeholder",
                    "WARNING: pair default: the API key and secret are the example's placeholders",
                    "WARNING: pair default: backup.url https://192.0.2.2 is a documentation address",
                    "WARNING: allow-from 192.0.2.1/32 is a documentation address")
                    .doesNotContain("EXAMPLE-REPLACE-ME-API-SECRET");
        }
    }
}
