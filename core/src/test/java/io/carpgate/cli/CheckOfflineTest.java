package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check --offline}: what a reload guard (systemd ExecReload=) and a CI job run. It reads everything the
 * configuration names, exits 0 or 2, and contacts nothing.
 */
class CheckOfflineTest {
    static final String PIN = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    @TempDir
    Path dir;

    private Path write(String backupUrl, String extra) throws Exception {
        return write(dir, backupUrl, extra);
    }

    /** A valid configuration with its credentials and a two-entry VHID map in {@code dir}. */
    static Path write(Path dir, String backupUrl, String extra) throws Exception {
        Files.writeString(dir.resolve("api.txt"), "key=k\nsecret=the-secret\n");
        Files.setPosixFilePermissions(dir.resolve("api.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("map.yml"), "instances:\n  wg0: {vhid: 7, interface: opt2}\n  wg1: {vhid: 2}\n");
        return Files.writeString(dir.resolve("carpgate.yml"), "listen: {host: 0.0.0.0, port: 8443}\n"
                + "tls: {cert: certs/c.crt, key: certs/c.key}\n"
                + "allow-from: [10.1.1.1/32]\n"
                + "backup:\n  url: " + backupUrl + "\n  pin-sha256: \"" + PIN + "\"\n  api-credentials: api.txt\n"
                + "vhid-map: map.yml\n"
                + "logs: {dir: logs}\n"
                + "limits: {api-timeout: 2s}\n" + extra);
    }

    @Test
    void aValidConfigurationIsSummedUpInAFewLines() throws Exception {
        Path file = write("https://192.0.2.2", "");
        PemFiles.writeSelfSigned(dir.resolve("certs/c.crt"), dir.resolve("certs/c.key"), "carpgate", List.of("localhost"));
        CliRun offline = CliRun.of("check", "--offline", "--config", file.toString());
        assertThat(offline.status()).as(offline.err()).isZero();
        assertThat(offline.err()).isEmpty();
        assertThat(offline.out()).contains("configuration " + file.toAbsolutePath() + ": ok; 1 pair(s)",
                "listen 0.0.0.0:8443; certificate " + dir.resolve("certs/c.crt").toAbsolutePath() + " SHA-256 ",
                "clients: allow-from [10.1.1.1/32]",
                "pair default at / -> backup https://192.0.2.2: certificate pinned to SHA-256 " + PIN,
                "VHID map " + dir.resolve("map.yml").toAbsolutePath() + " (2 entries)",
                "mode enforce; logs " + dir.resolve("logs").toAbsolutePath() + "; admin http://127.0.0.1:9180/",
                "offline: configuration valid; no backup was contacted")
                .doesNotContain("the-secret");
        // 192.0.2.2 is a documentation address: the one warning here.
        assertThat(offline.out().lines().filter(l -> l.startsWith("WARNING: ")).toList()).singleElement()
                .asString().contains("backup.url https://192.0.2.2 is a documentation address");
        assertThat(offline.out().lines().count()).as("a few lines").isLessThanOrEqualTo(8);
    }

    @Test
    void withoutCertificatesItSaysRunWillCreateThem() throws Exception {
        CliRun result = CliRun.of("check", "--offline", "--config", write("https://192.0.2.2", "").toString());
        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).contains(dir.resolve("certs/c.crt").toAbsolutePath()
                + " does not exist yet: run creates a self-signed pair there");
    }

    @Test
    void anInvalidConfigurationIsStatus2WithFileLineAndColumnOnOneLine() throws Exception {
        Path file = write("https://192.0.2.2", "on-unknown-carp: supress\n");
        CliRun result = CliRun.of("check", "--offline", "--config", file.toString());
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("carpgate: configuration error: " + file.toAbsolutePath()
                + ":11:18: on-unknown-carp must be suppress or forward, not 'supress'; did you mean 'suppress'?"
                + System.lineSeparator());
    }

    /** Every file the configuration names is read: a broken one fails the check at its own place. */
    @Test
    void everyFileItNamesIsRead() throws Exception {
        Path file = write("https://192.0.2.2", "");
        Files.writeString(dir.resolve("map.yml"), "instances:\n  wg0: {vhid: 300}\n");
        assertThat(status2(file)).contains("map.yml:2:", "1..255");

        write("https://192.0.2.2", "");
        Files.delete(dir.resolve("api.txt"));
        assertThat(status2(file)).contains("carpgate.yml:7:20: backup.api-credentials:", "api.txt not found");

        write("https://192.0.2.2", "");
        Files.writeString(dir.resolve("api.txt"), "only-a-key\n");
        assertThat(status2(file)).contains("api.txt: expected one line key:secret");

        Files.writeString(file, Files.readString(write("https://192.0.2.2", "")).replace("pin-sha256: \"" + PIN + "\"",
                "ca: ca.pem"));
        Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        assertThat(status2(file)).contains("carpgate.yml:6:7: backup.ca:", "ca.pem");

        write("https://192.0.2.2", "");
        PemFiles.writeSelfSigned(dir.resolve("certs/c.crt"), dir.resolve("certs/c.key"), "carpgate", List.of());
        PemFiles.writeSelfSigned(dir.resolve("certs/o.crt"), dir.resolve("certs/c.key"), "other", List.of());
        assertThat(status2(file)).contains("carpgate.yml:2:31: tls.key:", "is not the key of the certificate");
        Files.delete(dir.resolve("certs/c.key"));
        assertThat(status2(file)).contains("carpgate.yml:2:31: tls:", "c.key is missing while");
    }

    private String status2(Path file) {
        CliRun result = CliRun.of("check", "--offline", "--config", file.toString());
        assertThat(result.status()).as(result.out()).isEqualTo(2);
        assertThat(result.err()).startsWith("carpgate: configuration error: ").doesNotContain("Exception", "the-secret");
        return result.err();
    }

    /** The shipped conf/ loads, and check names each value left as in the example. */
    @Test
    void theShippedExampleIsValidAndItsExampleValuesAreWarnedAbout() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        for (String name : new String[] {"carpgate.yml", "vhid-map.yml", "backup-api.txt"}) {
            Files.copy(Path.of("conf", "examples", name), conf.resolve(name));
        }
        CliRun result = CliRun.of("check", "--offline", "--config", conf.resolve("carpgate.yml").toString());
        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).contains(
                "WARNING: pair default: backup.pin-sha256 is the example's placeholder",
                "WARNING: pair default: the API key and secret are the example's placeholders (EXAMPLE-REPLACE-ME…)",
                "WARNING: pair default: backup.url https://192.0.2.2 is a documentation address (RFC 5737)",
                "WARNING: allow-from 192.0.2.1/32 is a documentation address (RFC 5737)")
                .doesNotContain("EXAMPLE-REPLACE-ME-API-SECRET", "EXAMPLE-REPLACE-ME-API-KEY");
    }

    /** A credentials file or listener key every user may read is warned about, as every other weak setting is. */
    @Test
    void aWorldReadableCredentialsFileOrKeyIsWarnedAbout() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        for (String name : new String[] {"carpgate.yml", "vhid-map.yml", "backup-api.txt"}) {
            Files.copy(Path.of("conf", "examples", name), conf.resolve(name));
        }
        Path credentials = conf.resolve("backup-api.txt");
        Path key = dir.resolve("certs/carpgate.key");
        PemFiles.writeSelfSigned(dir.resolve("certs/carpgate.crt"), key, "carpgate", List.of());
        Files.setPosixFilePermissions(credentials, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        CliRun open = CliRun.of("check", "--offline", "--config", conf.resolve("carpgate.yml").toString());
        assertThat(open.status()).as(open.err()).isZero();
        assertThat(open.out()).contains("WARNING: " + credentials + " holds a secret and every user of this host may "
                + "read it: chmod o-r " + credentials, "WARNING: " + key + " holds a secret");
        assertThat(open.out()).as("the configuration and the map are no secret").doesNotContain(
                "WARNING: " + conf.resolve("carpgate.yml") + " holds", "WARNING: " + conf.resolve("vhid-map.yml") + " holds",
                "WARNING: " + dir.resolve("certs/carpgate.crt") + " holds");

        Files.setPosixFilePermissions(credentials, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        CliRun closed = CliRun.of("check", "--offline", "--config", conf.resolve("carpgate.yml").toString());
        assertThat(closed.out()).doesNotContain("holds a secret");
    }

    @Test
    void checkHelpNamesOffline() {
        CliRun help = CliRun.of("check", "--help");
        assertThat(help.out()).contains("--offline", "ExecReload");
    }
}
