package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.carpgate.tls.NoVerification;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.carpgate.e2e.EndToEnd;

/**
 * {@code carpgate run} as its own process, as systemd or Docker start it: SIGHUP and an edited file each
 * reload the configuration; a broken edit is refused and the process keeps serving; SIGTERM stops it.
 */
@EndToEnd
class RunProcessTest {
    private static final Pattern PORT = Pattern.compile("carpgate listening on https://127\\.0\\.0\\.1:(\\d+)/");
    private static final String FIRMWARE = "<?xml version=\"1.0\"?><methodCall><methodName>opnsense.firmware_version"
            + "</methodName><params></params></methodCall>";

    @TempDir
    Path dir;

    @Test
    void sighupAndFileChangesReloadABrokenEditIsRefusedAndTermStops() throws Exception {
        try (SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials("root", "pw").withApiCredentials("key", "secret"))) {
            String base = baseConfig(backup);
            Path config = dir.resolve("carpgate.yml");
            Path console = dir.resolve("console.txt");
            Process process = run(List.of(), config, console);
            try {
                int port = Integer.parseInt(await(console, PORT).group(1));
                URI uri = URI.create("https://127.0.0.1:" + port + "/xmlrpc.php");
                assertThat(firmware(uri)).isEqualTo(200);

                // SIGHUP: a new allowed-users takes effect without a restart.
                Files.writeString(config, base + "allowed-users: [admin]\n");
                signal(process, "HUP");
                await(console, Pattern.compile("SIGHUP: reloading"));
                await(console, Pattern.compile("configuration .* reloaded: 1 pair"));
                assertThat(firmware(uri)).isEqualTo(403);

                // A broken edit, noticed by the file watch alone: refused, logged, the running one serves on.
                Files.writeString(config, base + "allowed-users: [admin]\nmode: sometimes\n");
                await(console, Pattern.compile("NOT reloaded, the running configuration stays in force: .*mode must be"));
                assertThat(firmware(uri)).isEqualTo(403);

                // Fixed, again by the file watch.
                Files.writeString(config, base);
                awaitCount(console, "reloaded: 1 pair", 2);
                assertThat(firmware(uri)).isEqualTo(200);

                signal(process, "TERM");
                assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
                // It said it was draining, and when it was done.
                assertThat(read(console)).contains("stopping: new calls are refused", "stopped: every call in flight finished");
            } finally {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(Files.readString(console)).doesNotContain("secret", "pw");
        }
    }

    @Test
    void startedWithSighupIgnoredItSaysReloadBySignalIsUnavailableAndStillWatchesFiles() throws Exception {
        try (SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials("root", "pw").withApiCredentials("key", "secret"))) {
            String base = baseConfig(backup);
            Path config = dir.resolve("carpgate.yml");
            Path console = dir.resolve("console.txt");
            // nohup starts its command with SIGHUP ignored, and the JVM will not take a signal ignored at start.
            Process process = run(List.of("nohup"), config, console);
            try {
                int port = Integer.parseInt(await(console, PORT).group(1));
                await(console, Pattern.compile("WARNING: SIGHUP was ignored when carpgate started \\(nohup\\?\\).*"
                        + "reload by signal is unavailable"));
                assertThat(read(console)).contains("(not on SIGHUP)").doesNotContain("reloads on SIGHUP");
                URI uri = URI.create("https://127.0.0.1:" + port + "/xmlrpc.php");
                Files.writeString(config, base + "allowed-users: [admin]\n");
                await(console, Pattern.compile("configuration .* reloaded: 1 pair"));
                assertThat(firmware(uri)).as("the file watch still reloads").isEqualTo(403);
            } finally {
                process.destroy();
                process.waitFor(20, TimeUnit.SECONDS);
                process.destroyForcibly();
            }
        }
    }

    /** Writes the API credentials and carpgate.yml for a pair with {@code backup}; returns the configuration. */
    private String baseConfig(SimulatedBackup backup) throws IOException {
        Files.writeString(dir.resolve("api.txt"), "key:secret\n");
        String base = "listen: {host: 127.0.0.1, port: 0}\ntls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\n"
                + "admin: {enabled: false}\n"
                + "backup: {url: '" + backup.baseUrl() + "', pin-sha256: '" + backup.fingerprint()
                + "', api-credentials: api.txt}\n";
        Files.writeString(dir.resolve("carpgate.yml"), base);
        return base;
    }

    /** {@code carpgate run} as its own process (after {@code prefix}, e.g. nohup), its console in a file. */
    private static Process run(List<String> prefix, Path config, Path console) throws IOException {
        List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile()).start();
    }

    private static int firmware(URI uri) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(NoVerification.sslContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
        String auth = "Basic " + java.util.Base64.getEncoder().encodeToString("root:pw".getBytes(StandardCharsets.UTF_8));
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("Authorization", auth)
                .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString(FIRMWARE)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void signal(Process process, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static Matcher await(Path console, Pattern pattern) {
        try {
            return Awaitility.await("carpgate prints /" + pattern + "/").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> pattern.matcher(read(console)), Matcher::find);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("carpgate did not print /" + pattern + "/ within 30 s:\n" + read(console), e);
        }
    }

    private static void awaitCount(Path console, String text, int count) {
        try {
            Awaitility.await("carpgate prints '" + text + "' " + count + " times").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> read(console).split(Pattern.quote(text), -1).length - 1 >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("carpgate did not print '" + text + "' " + count + " times:\n" + read(console), e);
        }
    }

    private static String read(Path console) {
        try {
            return Files.exists(console) ? Files.readString(console) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
