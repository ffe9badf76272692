package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import io.carpgate.runtime.Carpgate;
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
        for (String command : new String[] {"check", "gen-cert", "fingerprint"}) {
            Result each = run(command, "--help");
            assertThat(each.status()).as(command + " --help").isZero();
            assertThat(each.out()).as(command + " --help").contains("Usage: carpgate " + command, "--help", "--version");
            assertThat(run(command, "--version").out()).as(command + " --version").startsWith("carpgate ");
        }
        Result top = run("--help");
        assertThat(top.status()).isZero();
        // The demo comes from the sim module (DemoCommandTest checks it on the command line).
        assertThat(top.out()).contains("run", "check", "gen-cert", "fingerprint").doesNotContain("demo");
        assertThat(top.out().replaceAll("\\s+", " ")).as("the top-level help names each kind of item")
                .contains("WireGuard instances", "OpenVPN clients", "DHCP relays");
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

    /** The examples, copied into a checkout's conf/ as the README says, load with their paths in certs/ and logs/. */
    @Test
    void theExamplesCopiedIntoConfLoad(@org.junit.jupiter.api.io.TempDir Path checkout) throws Exception {
        Path conf = Files.createDirectories(checkout.resolve("conf"));
        for (String name : java.util.List.of("carpgate.yml", "vhid-map.yml", "backup-api.txt")) {
            Files.copy(Paths.get("conf", "examples", name), conf.resolve(name));
        }
        CarpgateConfig config = ConfigLoader.load(conf.resolve("carpgate.yml"), Map.of());
        assertThat(config.listen().port()).isEqualTo(8443);
        assertThat(config.tls().cert()).isEqualTo(checkout.resolve("certs/carpgate.crt").toAbsolutePath().normalize());
        assertThat(config.logsDir()).isEqualTo(checkout.resolve("logs").toAbsolutePath().normalize());
        assertThat(config.pairs().get(0).vhidMap().all()).hasSize(1);
    }

    /** --help and --version of every command, the hidden training run included, print and do nothing else. */
    @Test
    void helpAndVersionOfEveryCommandDoNothingElse(@TempDir Path cwdLike) throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        java.util.function.Supplier<Long> trainings = () -> {
            try (java.util.stream.Stream<Path> list = Files.list(tmp)) {
                return list.filter(f -> f.getFileName().toString().startsWith("carpgate-aot-training")).count();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        long before = trainings.get();
        java.util.Set<String> names = Main.commandLine().getSubcommands().keySet();
        assertThat(names).contains("run", "check", "gen-cert", "fingerprint", "aot-training");
        for (String name : names) {
            if (name.equals("help")) {
                continue;
            }
            CliRun help = CliRun.of(name, "--help");
            assertThat(help.status()).as(name + " --help").isZero();
            assertThat(help.out()).as(name + " --help").startsWith("Usage: carpgate " + name);
            CliRun version = CliRun.of(name, "--version");
            assertThat(version.status()).as(name + " --version").isZero();
            assertThat(version.out()).as(name + " --version").startsWith("carpgate ");
            assertThat(help.err() + version.err()).as(name).isEmpty();
        }
        assertThat(trainings.get()).as("no training run was started").isEqualTo(before);
    }

    /** Without a configuration, run and check name in one line the command that makes it from the examples. */
    @Test
    void withoutAConfigurationRunAndCheckSayHowToMakeOneFromTheExamples(@TempDir Path checkout) throws Exception {
        Path examples = Files.createDirectories(checkout.resolve("conf/examples"));
        Files.copy(Paths.get("conf/examples/carpgate.yml"), examples.resolve("carpgate.yml"));
        Path config = checkout.resolve("conf/carpgate.yml");
        for (String command : java.util.List.of("run", "check")) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            PrintStream saved = System.err;
            CliRun result;
            try {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                result = CliRun.of(command, "--config", config.toString());
            } finally {
                System.setErr(saved);
            }
            String said = (result.err() + err.toString(StandardCharsets.UTF_8)).strip();
            assertThat(result.status()).as(command).isEqualTo(2);
            assertThat(said).as(command).isEqualTo("carpgate: no configuration at " + config
                    + "; make yours from the examples: cp -n " + checkout.resolve("conf/examples") + "/* "
                    + checkout.resolve("conf") + "/ and edit them (backup URL, pin, allow-from, API key)");
        }
        assertThat(config).as("carpgate does not write it itself").doesNotExist();
        // In the container (conf/ mounted read-only from the checkout), the copy is made on the host.
        assertThat(FirstConfiguration.hint(checkout.resolve("conf/carpgate.yml"), checkout.resolve("conf")))
                .contains("carpgate: no configuration at " + config + "; on the host, in the folder of "
                        + "docker-compose.yml: cp -n conf/examples/* conf/, edit the copies, then docker compose up -d");
    }

    /** A port in use stops the start before anything else runs (no CARP read, whose warning would mislead), naming why. */
    @Test
    void aPortInUseIsNamedWithItsCauseBeforeAnythingStarts() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Files.writeString(dir.resolve("api.txt"), "k:s\n");
            Path file = Files.writeString(dir.resolve("carpgate.yml"), "listen: {host: 127.0.0.1, port: "
                    + taken.getLocalPort() + "}\ntls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\n"
                    + "backup: {url: 'https://127.0.0.1:9', insecure: true, api-credentials: api.txt}\n");
            CarpgateConfig config = ConfigLoader.load(file, Map.of());
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Carpgate.start(config,
                            new PrintStream(console, true, StandardCharsets.UTF_8)))
                    .isInstanceOf(java.io.IOException.class)
                    .hasMessageStartingWith("listen 127.0.0.1:" + taken.getLocalPort() + ": the port is in use (")
                    .hasMessageContaining("stop it or set listen.port to a free port");
            assertThat(console.toString(StandardCharsets.UTF_8)).as("nothing started before").isEmpty();
            assertThat(dir.resolve("c.crt")).as("not even the certificate was made").doesNotExist();
        }
    }
}
