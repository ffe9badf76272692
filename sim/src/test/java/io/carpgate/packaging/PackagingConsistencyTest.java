package io.carpgate.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.carpgate.e2e.EndToEnd;

/**
 * No Docker engine or systemd runs in the test environment, so these files are checked against what
 * they must agree with: the jar Maven builds, the port and paths of the example configuration.
 */
@EndToEnd
class PackagingConsistencyTest {
    static final Path ROOT = Paths.get("").toAbsolutePath();

    private static String read(String file) throws Exception {
        return Files.readString(ROOT.resolve(file));
    }

    private static String jarName() throws Exception {
        // The sim module shades the distributed jar into target/ at the top of the repository.
        Matcher m = Pattern.compile("<outputFile>\\$\\{carpgate.root}/target/([^<]+\\.jar)</outputFile>")
                .matcher(read("sim/pom.xml"));
        assertThat(m.find()).as("sim/pom.xml shades the jar into the top target/").isTrue();
        return m.group(1);
    }

    private static CarpgateConfig example() throws Exception {
        return ConfigLoader.load(ROOT.resolve("conf/examples/carpgate.yml"), Map.of());
    }

    /** The stages of the Dockerfile, from its FROM lines. */
    private static List<String> stages(String dockerfile) {
        return List.of(dockerfile.split("(?m)^(?=FROM )")).stream().filter(x -> x.startsWith("FROM ")).toList();
    }

    @Test
    void dockerfileRunsTheBuiltJarThroughBinCarpgateAsNonRootOnTheConfiguredPort() throws Exception {
        String dockerfile = read("Dockerfile");
        String jar = jarName();
        int port = example().listen().port();
        List<String> stages = stages(dockerfile);
        assertThat(stages).hasSize(2);
        String build = stages.get(0);
        String runtime = stages.get(1);
        // The build stage compiles and packages; the start-up cache belongs to the runtime image's JVM.
        assertThat(build).contains("COPY pom.xml", "COPY core ./core", "COPY sim ./sim", "COPY bin ./bin",
                "-Dcarpgate.aot.skip=true");
        assertThat(runtime).contains("COPY --from=build /src/target/" + jar + " /opt/carpgate/" + jar)
                .contains("COPY --from=build /src/bin/carpgate /opt/carpgate/bin/carpgate")
                .contains("ENTRYPOINT [\"/opt/carpgate/bin/carpgate\"]")
                .contains("CMD [\"run\", \"--config\", \"/opt/carpgate/conf/carpgate.yml\"]")
                .contains("EXPOSE " + port + " " + ConfigLoader.DEFAULT_ADMIN.port())
                .contains("/dev/tcp/127.0.0.1/" + port, "/dev/tcp/127.0.0.1/" + ConfigLoader.DEFAULT_ADMIN.port())
                .contains("USER carpgate", "--uid 10001");
        // The cache is built after the jar and bin/carpgate are in place, as root, before the image drops to uid 10001.
        assertThat(runtime.indexOf("RUN /opt/carpgate/bin/carpgate aot-cache"))
                .isGreaterThan(runtime.indexOf("COPY --from=build /src/target/"))
                .isGreaterThan(runtime.indexOf("COPY --from=build /src/bin/carpgate"))
                .isLessThan(runtime.indexOf("USER carpgate"));
        // The example configuration's relative paths land in the image's writable folders.
        assertThat(example().tls().cert().getParent().getFileName().toString()).isEqualTo("certs");
        assertThat(example().logsDir().getFileName().toString()).isEqualTo("logs");
        assertThat(runtime).contains("chown carpgate:carpgate /opt/carpgate/certs /opt/carpgate/logs");
    }

    @Test
    void baseImagesArePinnedToExactVersionsAndTheRuntimeRunsJava25() throws Exception {
        List<String> from = read("Dockerfile").lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).containsExactly("FROM maven:3.9.12-eclipse-temurin-25 AS build",
                "FROM eclipse-temurin:25.0.3_9-jre-noble");
        for (String line : from) {
            String tag = line.split("\\s+")[1];
            assertThat(tag).as(line).doesNotEndWith(":latest").matches(".+:\\d+\\.\\d+\\.\\d+.*");
        }
    }

    @Test
    void onlyWhatTheBuildStageCopiesGoesIntoTheBuildContextAndNoSecret() throws Exception {
        List<String> ignore = read(".dockerignore").lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignore).as("everything is left out, then the sources let in").startsWith("*")
                .containsExactlyInAnyOrder("*", "!pom.xml", "!core/", "!sim/", "!bin/", "core/target/", "sim/target/");
        Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(stages(read("Dockerfile")).get(0));
        List<String> copied = new java.util.ArrayList<>();
        while (copy.find()) {
            copied.add(copy.group(1));
        }
        assertThat(copied).containsExactly("pom.xml", "core/pom.xml", "sim/pom.xml", "core", "sim", "bin");
        for (String source : copied) {
            // Let in by its own line or by its module's folder.
            String top = source.contains("/") ? source.substring(0, source.indexOf('/') + 1) : source + "/";
            assertThat(ignore).as(source + " is let into the context").anyMatch(l -> l.equals("!" + source)
                    || l.equals("!" + top));
        }
    }

    @Test
    void composeMountsWhatTheImageExpectsAndSaysHowUid10001ReadsTheCredentials() throws Exception {
        String compose = read("docker-compose.yml");
        int port = example().listen().port();
        assertThat(compose).contains("build: .")
                .contains("./conf:/opt/carpgate/conf:ro")
                .contains("./certs:/opt/carpgate/certs")
                .contains("./logs:/opt/carpgate/logs")
                .contains("\"" + port + ":" + port + "\"")
                .contains("\"127.0.0.1:" + ConfigLoader.DEFAULT_ADMIN.port() + ":" + ConfigLoader.DEFAULT_ADMIN.port() + "\"")
                .contains("restart: unless-stopped")
                // On a fresh clone logs/ does not exist yet; the credentials file must be readable by the image's uid.
                .contains("mkdir -p logs state && sudo chown -R 10001:10001 certs logs state conf/backup-api.txt");
        // The published admin port reaches the listener only because the image binds it to all interfaces;
        // that is said next to it, with who else can then reach it.
        assertThat(read("Dockerfile")).contains("ENV CARPGATE_ADMIN_HOST=0.0.0.0");
        assertThat(compose).contains("CARPGATE_ADMIN_HOST=0.0.0.0", "other containers on this network can reach it");
        assertThat(example().admin()).as("the example keeps the admin listener on loopback outside a container")
                .contains(new CarpgateConfig.Listen("127.0.0.1", ConfigLoader.DEFAULT_ADMIN.port()));
        assertThat(ConfigLoader.load(ROOT.resolve("conf/examples/carpgate.yml"), Map.of("CARPGATE_ADMIN_HOST", "0.0.0.0")).admin())
                .as("in the image").contains(new CarpgateConfig.Listen("0.0.0.0", ConfigLoader.DEFAULT_ADMIN.port()));
    }

    @Test
    void systemdUnitRunsBinCarpgateOnTheInstalledPathsAndNeverLoopsOnAConfigurationError() throws Exception {
        String unit = read("contrib/carpgate.service");
        String config = "/etc/carpgate/carpgate.yml";
        assertThat(unit).contains("ExecStart=/opt/carpgate/bin/carpgate run --config " + config)
                .contains("User=carpgate", "NoNewPrivileges=yes", "ProtectSystem=strict", "CapabilityBoundingSet=")
                .contains("StateDirectory=carpgate", "LogsDirectory=carpgate", "WorkingDirectory=/var/lib/carpgate")
                .contains("SuccessExitStatus=143", "Restart=on-failure", "RestartPreventExitStatus=2")
                .doesNotContain("ReadWritePaths=/opt");
        // Reload: the offline check first (systemd runs ExecReload= lines in order and stops at the first failure).
        List<String> reload = unit.lines().filter(l -> l.startsWith("ExecReload=")).toList();
        assertThat(reload).containsExactly("ExecReload=/opt/carpgate/bin/carpgate check --offline --config " + config,
                "ExecReload=/bin/kill -HUP $MAINPID");
        assertThat(read("docs/configuration.md")).as("the configuration reference shows the unit's reload lines")
                .contains("  " + reload.get(0) + "\n  " + reload.get(1) + "\n");
        // The exit statuses it names are carpgate's: 2 for a configuration error, 143 for SIGTERM (ContainerUserTest).
        assertThat(read("docs/configuration.md")).contains("| `run --config FILE` |", "| 2 configuration or map error");
    }

    @Test
    void theUnitsReloadCheckIsACommandCarpgateHas() throws Exception {
        String check = read("contrib/carpgate.service").lines().filter(l -> l.startsWith("ExecReload=")).findFirst()
                .orElseThrow().replaceFirst("^ExecReload=/opt/carpgate/bin/carpgate ", "");
        picocli.CommandLine.ParseResult parsed = new picocli.CommandLine(new io.carpgate.cli.Main())
                .parseArgs(check.split(" "));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("check");
        assertThat(parsed.subcommand().hasMatchedOption("--offline")).isTrue();
        assertThat(parsed.subcommand().matchedOptionValue("--config", (Object) null)).hasToString("/etc/carpgate/carpgate.yml");
    }

    /** Each 'docs/FILE.md, "Section"' (or 'README, "Section"') a packaging file or an example names exists. */
    @Test
    void everyDocumentSectionAPackagingFileNamesExists() throws Exception {
        Pattern reference = Pattern.compile("(README(?:\\.md)?|docs/[\\w.-]+\\.md), \"([^\"]+)\"");
        for (String file : List.of("Dockerfile", "docker-compose.yml", "contrib/carpgate.service", "contrib/install",
                "bin/carpgate", "pom.xml", "core/pom.xml", "sim/pom.xml", "conf/examples/carpgate.yml", "conf/examples/vhid-map.yml")) {
            Matcher m = reference.matcher(read(file));
            int found = 0;
            while (m.find()) {
                found++;
                String doc = m.group(1).startsWith("README") ? "README.md" : m.group(1);
                assertThat(read(doc)).as(file + " names " + doc + " section \"" + m.group(2) + "\"")
                        .containsPattern("(?m)^#{2,3} " + Pattern.quote(m.group(2)) + "$");
            }
            assertThat(found).as(file + " names a documentation section").isPositive();
        }
    }

    @Test
    void contribInstallLaysOutTheSystemsFoldersTheUnitAndTheConfigurationAgree(@TempDir Path stage) throws Exception {
        assertThat(PackagedJar.require().getFileName()).hasToString(jarName());
        assertThat(install(stage)).isZero();
        for (String file : List.of("opt/carpgate/carpgate.jar", "opt/carpgate/README.md", "opt/carpgate/bin/carpgate",
                "opt/carpgate/docs/configuration.md", "opt/carpgate/conf/examples/carpgate.yml",
                "etc/carpgate/carpgate.yml", "etc/carpgate/vhid-map.yml", "etc/carpgate/backup-api.txt",
                "etc/systemd/system/carpgate.service")) {
            assertThat(stage.resolve(file)).as(file).exists();
        }
        assertThat(Files.isExecutable(stage.resolve("opt/carpgate/bin/carpgate"))).isTrue();
        assertThat(Files.readSymbolicLink(stage.resolve("usr/local/bin/carpgate"))).isEqualTo(Paths.get("/opt/carpgate/bin/carpgate"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stage.resolve("etc/carpgate/backup-api.txt"))))
                .isEqualTo("rw-r-----");
        assertThat(Files.readString(stage.resolve("etc/systemd/system/carpgate.service"))).isEqualTo(read("contrib/carpgate.service"));

        // The installed configuration: the example with its paths in the folders the unit gives carpgate.
        CarpgateConfig installed = ConfigLoader.load(stage.resolve("etc/carpgate/carpgate.yml"), Map.of());
        String unit = read("contrib/carpgate.service");
        String state = "/var/lib/" + value(unit, "StateDirectory");
        String logs = "/var/log/" + value(unit, "LogsDirectory");
        assertThat(installed.tls().cert()).isEqualTo(Paths.get(state, "carpgate.crt"));
        assertThat(installed.tls().key()).isEqualTo(Paths.get(state, "carpgate.key"));
        assertThat(installed.logsDir()).isEqualTo(Paths.get(logs));
        assertThat(installed.stateDir()).contains(Paths.get(state, "state"));
        assertThat(installed.pairs().get(0).vhidMap().source()).contains(stage.resolve("etc/carpgate/vhid-map.yml"));
        assertThat(installed.listen()).isEqualTo(example().listen());
        assertThat(Files.readString(stage.resolve("etc/carpgate/carpgate.yml"))
                .replace("state-dir: " + state + "/state", "state-dir: ../state").replace(state + "/", "../certs/")
                .replace("dir: " + logs, "dir: ../logs")).as("otherwise the example as shipped").isEqualTo(read("conf/examples/carpgate.yml"));
        assertThat(unit).contains("--config /etc/carpgate/carpgate.yml", "file:///opt/carpgate/README.md");

        assertThat(Files.readString(stage.resolve("etc/carpgate/backup-api.txt")))
                .as("the example's placeholders, never a checkout's own credentials").isEqualTo(read("conf/examples/backup-api.txt"));

        // An admin's configuration survives an update.
        Files.writeString(stage.resolve("etc/carpgate/carpgate.yml"), "# edited\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(stage.resolve("etc/carpgate/backup-api.txt"), "key:secret\n");
        assertThat(install(stage)).isZero();
        assertThat(Files.readString(stage.resolve("etc/carpgate/carpgate.yml"))).endsWith("# edited\n");
        assertThat(Files.readString(stage.resolve("etc/carpgate/backup-api.txt"))).isEqualTo("key:secret\n");
    }

    private static int install(Path stage) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("contrib/install").toString()).redirectErrorStream(true);
        pb.environment().put("DESTDIR", stage.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return p.exitValue();
    }

    private static String value(String unit, String key) {
        return unit.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("the unit has no " + key + "="));
    }

    /**
     * The image's HEALTHCHECK command itself, run with bash against a carpgate on the image's ports:
     * healthy while it runs, unhealthy once it has stopped.
     */
    @Test
    @SuppressWarnings("try") // the resource is held open on purpose (a listener, a connection) while the body runs
    void theDockerHealthcheckCommandPassesAgainstARunningCarpgateAndFailsWithoutOne(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Matcher m = Pattern.compile("HEALTHCHECK [^\\n]*\\\\\\n\\s*CMD (\\[.*\\])").matcher(read("Dockerfile"));
        assertThat(m.find()).as("Dockerfile has a HEALTHCHECK CMD in exec form").isTrue();
        java.util.List<String> command = java.util.Arrays.asList(
                new com.fasterxml.jackson.databind.ObjectMapper().readValue(m.group(1), String[].class));
        int port = example().listen().port();
        int admin = ConfigLoader.DEFAULT_ADMIN.port();
        org.junit.jupiter.api.Assumptions.assumeTrue(free(port) && free(admin),
                "ports " + port + " and " + admin + " are taken on this machine");
        Files.writeString(dir.resolve("api.txt"), "k:s\n");
        Path config = Files.writeString(dir.resolve("carpgate.yml"), "listen: {host: 127.0.0.1, port: " + port + "}\n"
                + "tls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\n"
                + "backup: {url: 'https://127.0.0.1:9', insecure: true, api-credentials: api.txt}\n");
        CarpgateConfig loaded = ConfigLoader.load(config, Map.of());
        try (io.carpgate.runtime.Carpgate running = io.carpgate.runtime.Carpgate.start(loaded,
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))) {
            assertThat(run(command)).as("healthy while carpgate runs").isZero();
        }
        assertThat(run(command)).as("unhealthy once it has stopped").isNotZero();
    }

    private static int run(java.util.List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    @SuppressWarnings("try") // the resource is held open on purpose (a listener, a connection) while the body runs
    private static boolean free(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
