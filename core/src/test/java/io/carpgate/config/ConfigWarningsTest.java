package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values left as in the example, and settings that weaken carpgate, are warned about at run and at check (the
 * consoles themselves: {@code ExampleWarningsEndToEndTest}, {@code CheckOfflineTest}).
 */
class ConfigWarningsTest {
    @TempDir
    Path dir;

    /** conf/ as shipped, on loopback port 0. */
    private Path example() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        for (String name : new String[] {"carpgate.yml", "vhid-map.yml", "backup-api.txt"}) {
            Files.copy(Path.of("conf", "examples", name), conf.resolve(name));
        }
        Path file = conf.resolve("carpgate.yml");
        Files.writeString(file, Files.readString(file).replace("{host: 0.0.0.0, port: 8443}", "{host: 127.0.0.1, port: 0}")
                .replace("port: 9180}", "port: 0}"));
        return file;
    }

    @Test
    void theShippedExampleIsWarnedAboutForEachPlaceholderAndNothingElse() throws Exception {
        assertThat(ConfigWarnings.of(ConfigLoader.load(example(), Map.of()))).satisfiesExactly(
                pin -> assertThat(pin).startsWith("pair default: backup.pin-sha256 is the example's placeholder"),
                key -> assertThat(key).startsWith("pair default: the API key and secret are the example's placeholders")
                        .doesNotContain("API-KEY", "API-SECRET"),
                url -> assertThat(url).startsWith("pair default: backup.url https://192.0.2.2 is a documentation "
                        + "address (RFC 5737)"),
                allow -> assertThat(allow).startsWith("allow-from 192.0.2.1/32 is a documentation address (RFC 5737)"));
    }

    /** The constants are the shipped files' values: an edit of conf/ that forgets them fails here. */
    @Test
    void thePlaceholdersAreThoseOfTheShippedFiles() throws Exception {
        assertThat(Files.readString(Path.of("conf/examples/carpgate.yml"))).contains(ConfigWarnings.EXAMPLE_PIN.toString());
        assertThat(Files.readString(Path.of("conf/examples/backup-api.txt")))
                .contains("key=" + ConfigWarnings.EXAMPLE_CREDENTIALS, "secret=" + ConfigWarnings.EXAMPLE_CREDENTIALS);
    }

    @Test
    void aRealConfigurationHasNoWarningsAndNamesAreNeverLookedUp() throws Exception {
        Files.writeString(dir.resolve("api.txt"), "real-key:real-secret\n");
        Path file = Files.writeString(dir.resolve("carpgate.yml"), "listen: {host: 0.0.0.0, port: 8443}\n"
                + "tls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\nallow-from: [10.0.0.1/32, 2001:db9::/48]\n"
                + "backup: {url: 'https://backup.invalid:4443', pin-sha256: '" + ConfigLoaderTest.PIN
                + "', api-credentials: api.txt}\n");
        assertThat(ConfigWarnings.of(ConfigLoader.load(file, Map.of()))).isEmpty();
    }

    @Test
    void documentationAddressesOfBothFamiliesAndTheOtherWarnings() throws Exception {
        Files.writeString(dir.resolve("api.txt"), "k:EXAMPLE-REPLACE-ME-API-SECRET\n");
        Path file = Files.writeString(dir.resolve("carpgate.yml"), "listen: {host: 0.0.0.0, port: 8443}\n"
                + "tls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\nallow-from: ['2001:db8::5/128', 203.0.113.0/24]\n"
                + "mode: observe\nadmin: {host: 0.0.0.0}\n"
                + "backup: {url: 'https://[2001:db8::2]', insecure: true, api-credentials: api.txt}\n");
        assertThat(String.join("\n", ConfigWarnings.of(ConfigLoader.load(file, Map.of()))))
                .contains("mode: observe", "backup.insecure is set", "the API key and secret are the example's placeholders",
                        "backup.url https://[2001:db8::2] is a documentation address (RFC 3849)",
                        "allow-from 2001:db8::5/128 is a documentation address (RFC 3849)",
                        "allow-from 203.0.113.0/24 is a documentation address (RFC 5737)", "admin listener on 0.0.0.0");
    }

    /**
     * A listener in the range the system hands out itself can be taken while carpgate starts (its own warm-up binds
     * two such ports meanwhile): each listener there is named, with the range; none outside it, nor port 0.
     */
    @Test
    void aListenerInTheEphemeralRangeIsWarnedAbout() throws Exception {
        Files.writeString(dir.resolve("api.txt"), "real-key:real-secret\n");
        String rest = "tls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\nallow-from: [10.0.0.1/32]\n"
                + "backup: {url: 'https://backup.invalid:4443', pin-sha256: '" + ConfigLoaderTest.PIN
                + "', api-credentials: api.txt}\n";
        Optional<EphemeralPorts> linux = Optional.of(new EphemeralPorts(32768, 60999));
        Path inside = Files.writeString(dir.resolve("inside.yml"), "listen: {host: 0.0.0.0, port: 32768}\n"
                + "admin: {host: 127.0.0.1, port: 60999}\n" + rest);
        assertThat(ConfigWarnings.of(ConfigLoader.load(inside, Map.of()), linux)).containsExactly(
                "listen.port 32768 is in this system's ephemeral port range (32768-60999), from which it gives ports to "
                        + "outgoing connections and to carpgate's own warm-up: one may hold it when carpgate starts, "
                        + "and the start then fails; set a port outside it (the example's is 8443)",
                "admin.port 60999 is in this system's ephemeral port range (32768-60999), from which it gives ports to "
                        + "outgoing connections and to carpgate's own warm-up: one may hold it when carpgate starts, "
                        + "and the start then fails; set a port outside it (the example's is 9180)");

        Path outside = Files.writeString(dir.resolve("outside.yml"), "listen: {host: 0.0.0.0, port: 32767}\n"
                + "admin: {host: 127.0.0.1, port: 61000}\n" + rest);
        assertThat(ConfigWarnings.of(ConfigLoader.load(outside, Map.of()), linux)).isEmpty();
        Path any = Files.writeString(dir.resolve("any.yml"), "listen: {host: 0.0.0.0, port: 0}\n"
                + "admin: {host: 127.0.0.1, port: 0}\n" + rest);
        assertThat(ConfigWarnings.of(ConfigLoader.load(any, Map.of()), linux)).as("port 0: any free port, by intent")
                .isEmpty();
        assertThat(ConfigWarnings.of(ConfigLoader.load(inside, Map.of()), Optional.empty()))
                .as("a system whose range is not known").isEmpty();
    }
}
