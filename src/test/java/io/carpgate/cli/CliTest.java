package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import io.carpgate.config.VhidMapLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        PrintStream originalErr = System.err;
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            int status = cli.execute(args);
            return new Result(status, out.toString(), err + stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(originalErr);
        }
    }

    @Test
    void versionAndHelpWork() {
        Result version = run("--version");
        assertThat(version.status()).isZero();
        // The version Maven filtered into the jar's resources, never the "unknown" fallback.
        assertThat(version.out()).startsWith("carpgate " + java.util.Objects.requireNonNull(System.getProperty("carpgate.version"), "surefire sets carpgate.version"))
                .doesNotContain("unknown").contains("Java ");
        Result help = run("run", "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("--config");
        for (String command : new String[] {"check", "gen-cert", "fingerprint", "demo"}) {
            Result each = run(command, "--help");
            assertThat(each.status()).as(command + " --help").isZero();
            assertThat(each.out()).as(command + " --help").contains("Usage: carpgate " + command, "--help", "--version");
            assertThat(run(command, "--version").out()).as(command + " --version").startsWith("carpgate ");
        }
        Result top = run("--help");
        assertThat(top.status()).isZero();
        assertThat(top.out()).contains("run", "check", "gen-cert", "fingerprint", "demo");
    }

    @Test
    void aConfigurationErrorStopsCarpgateWithStatus2NamingFileLineAndProblem() throws Exception {
        Path file = dir.resolve("carpgate.yml");
        Files.writeString(file, "listen: {host: 0.0.0.0, port: 8443}\n"
                + "tls: {cert: c.crt, key: c.key}\n"
                + "backup:\n"
                + "  url: https://192.0.2.2\n"
                + "  pin-sha256: \"not-a-fingerprint\"\n"
                + "  api-credentials: api.txt\n"
                + "logs: {dir: logs}\n");
        Result result = run("run", "--config", file.toString());
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains(file.toString() + ":", "pin-sha256", "not a SHA-256 fingerprint");
    }

    @Test
    void aBadVhidMapStopsCarpgateWithStatus2() throws Exception {
        Files.writeString(dir.resolve("api.txt"), "k:s\n");
        Files.writeString(dir.resolve("map.yml"), "instances:\n  wg0:\n    vhid: 300\n");
        Path file = dir.resolve("carpgate.yml");
        Files.writeString(file, "listen: {host: 127.0.0.1, port: 0}\n"
                + "tls: {cert: c.crt, key: c.key}\n"
                + "backup: {url: 'https://127.0.0.1:9', insecure: true, api-credentials: api.txt}\n"
                + "vhid-map: map.yml\n"
                + "logs: {dir: logs}\n");
        Result result = run("run", "--config", file.toString());
        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("map.yml:3:", "1..255");
    }

    @Test
    void theExampleConfigurationInConfLoads() throws Exception {
        Path example = Paths.get("conf", "carpgate.yml");
        CarpgateConfig config = ConfigLoader.load(example, Map.of());
        assertThat(config.listen().port()).isEqualTo(8443);
        assertThat(config.tls().cert()).isEqualTo(Paths.get("certs", "carpgate.crt").toAbsolutePath().normalize());
        assertThat(config.logsDir()).isEqualTo(Paths.get("logs").toAbsolutePath().normalize());
        assertThat(VhidMapLoader.load(config.pairs().get(0).vhidMap().orElseThrow()).entries()).hasSize(1);
    }
}
