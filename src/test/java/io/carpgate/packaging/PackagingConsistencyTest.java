package io.carpgate.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
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
        Matcher m = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(read("pom.xml"));
        assertThat(m.find()).as("pom.xml has a finalName").isTrue();
        return m.group(1) + ".jar";
    }

    private static CarpgateConfig example() throws Exception {
        return ConfigLoader.load(ROOT.resolve("conf/carpgate.yml"), Map.of());
    }

    @Test
    void dockerfileRunsTheBuiltJarAsNonRootOnTheConfiguredPort() throws Exception {
        String dockerfile = read("Dockerfile");
        String jar = jarName();
        int port = example().listen().port();
        assertThat(dockerfile).contains("FROM eclipse-temurin:17-jre")
                .contains("COPY --from=build /src/target/" + jar + " /opt/carpgate/" + jar)
                .contains("\"/opt/carpgate/" + jar + "\"")
                .contains("EXPOSE " + port + " " + ConfigLoader.DEFAULT_ADMIN.port())
                .contains("/dev/tcp/127.0.0.1/" + port)
                .contains("/dev/tcp/127.0.0.1/" + ConfigLoader.DEFAULT_ADMIN.port())
                .contains("USER carpgate")
                .contains("\"--config\", \"/opt/carpgate/conf/carpgate.yml\"");
        // The example configuration's relative paths land in the image's writable folders.
        assertThat(example().tls().cert().getParent().getFileName().toString()).isEqualTo("certs");
        assertThat(example().logsDir().getFileName().toString()).isEqualTo("logs");
        assertThat(dockerfile).contains("/opt/carpgate/certs", "/opt/carpgate/logs");
    }

    @Test
    void composeMountsWhatTheImageExpects() throws Exception {
        String compose = read("docker-compose.yml");
        int port = example().listen().port();
        assertThat(compose).contains("build: .")
                .contains("./conf:/opt/carpgate/conf:ro")
                .contains("./certs:/opt/carpgate/certs")
                .contains("./logs:/opt/carpgate/logs")
                .contains("\"" + port + ":" + port + "\"")
                .contains("\"127.0.0.1:" + ConfigLoader.DEFAULT_ADMIN.port() + ":" + ConfigLoader.DEFAULT_ADMIN.port() + "\"")
                .contains("restart: unless-stopped");
    }

    @Test
    void systemdUnitRunsTheJarSandboxedWithWritableCertsAndLogs() throws Exception {
        String unit = read("contrib/carpgate.service");
        assertThat(unit).contains("ExecStart=/usr/bin/java")
                .contains("-jar /opt/carpgate/" + jarName() + " run --config /opt/carpgate/conf/carpgate.yml")
                .contains("User=carpgate", "NoNewPrivileges=yes", "ProtectSystem=strict", "CapabilityBoundingSet=",
                        "ReadWritePaths=/opt/carpgate/certs /opt/carpgate/logs")
                .contains("ExecReload=/bin/kill -HUP $MAINPID");
    }

    /**
     * The image's HEALTHCHECK command itself, run with bash against a carpgate on the image's ports:
     * healthy while it runs, unhealthy once it has stopped.
     */
    @Test
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
        try (io.carpgate.cli.Launcher.Running running = io.carpgate.cli.Launcher.start(loaded,
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

    private static boolean free(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
