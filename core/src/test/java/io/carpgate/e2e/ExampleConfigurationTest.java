package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.runtime.Carpgate;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start, second command: carpgate starts on the example conf/ as shipped. The copy differs
 * only in its two port numbers (0, any free port), so the test never collides with a carpgate running here.
 */
@EndToEnd
class ExampleConfigurationTest {
    @TempDir
    Path dir;

    /**
     * conf/ as shipped, copied with its two ports set to 0 and then {@code edit} applied, loaded, and logging
     * pointed at its log folder as {@code run} does before it starts.
     */
    private CarpgateConfig example(UnaryOperator<String> edit) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        for (String name : new String[] {"carpgate.yml", "vhid-map.yml", "backup-api.txt"}) {
            Files.copy(Path.of("conf", "examples", name), conf.resolve(name));
        }
        String yaml = Files.readString(conf.resolve("carpgate.yml"));
        String freePorts = yaml.replace("port: 8443}", "port: 0}").replace("port: 9180}", "port: 0}");
        assertThat(freePorts).as("the example's ports, as the README gives them").isNotEqualTo(yaml)
                .doesNotContain("8443}", "9180}");
        Files.writeString(conf.resolve("carpgate.yml"), edit.apply(freePorts));
        CarpgateConfig config = ConfigLoader.load(conf.resolve("carpgate.yml"), Map.of());
        io.carpgate.observe.LogSetup.configure(config.logs());
        return config;
    }

    @Test
    void theShippedExampleStartsServesAndKeepsOutAddressesNotInAllowFrom() throws Exception {
        CarpgateConfig config = example(yaml -> yaml);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Carpgate running = Carpgate.start(config, new PrintStream(console, true, StandardCharsets.UTF_8))) {
            String said = console.toString(StandardCharsets.UTF_8);
            assertThat(said).contains("created a self-signed certificate", "carpgate certificate SHA-256",
                    "pair default at / -> backup https://192.0.2.2", "clients: allow-from [192.0.2.1/32]");
            assertThat(dir.resolve("certs/carpgate.crt")).exists();
            assertThat(dir.resolve("certs/carpgate.key")).exists();

            RawHttps http = new RawHttps();
            // Closed at the accept, before TLS: an address outside allow-from gets no handshake at all.
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.post(URI.create("https://127.0.0.1:"
                    + running.port() + "/xmlrpc.php"), RawHttps.basic("root", "x"),
                    "<methodCall/>".getBytes(StandardCharsets.UTF_8))).isInstanceOf(java.io.IOException.class);
            RawHttps.Answer health = http.get(URI.create("http://127.0.0.1:" + running.admin().orElseThrow().port() + "/healthz"));
            assertThat(health.status()).isEqualTo(200);
        }
        assertThat(dir.resolve("logs/access.log")).as("no request was read from the outsider")
                .satisfiesAnyOf(f -> assertThat(f).doesNotExist(), f -> assertThat(f).content().doesNotContain("POST"));
    }

    @Test
    void insecureUpstreamIsWarnedAboutAtStart() throws Exception {
        CarpgateConfig config = example(yaml -> {
            String insecure = yaml.replaceFirst("(?m)^  pin-sha256: .*$", "  insecure: true");
            assertThat(insecure).contains("  insecure: true").doesNotContain("  pin-sha256: \"5D");
            return insecure;
        });

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Carpgate running = Carpgate.start(config, new PrintStream(console, true, StandardCharsets.UTF_8))) {
            assertThat(running.port()).isPositive();
            // Said once, on the console the admin reads at start.
            assertThat(console.toString(StandardCharsets.UTF_8).lines()
                    .filter(l -> l.startsWith("WARNING: ") && l.contains("backup.insecure is set") && l.contains("NOT")))
                    .hasSize(1);
        }
    }
}
