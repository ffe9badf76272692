package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.carpgate.e2e.EndToEnd;

/**
 * {@code carpgate run} as its own process, as systemd or Docker start it: SIGHUP and an edited file each
 * reload the configuration; a broken edit is refused and the process keeps serving; SIGTERM stops it.
 */
@EndToEnd
class RunProcessTest {

    @TempDir
    Path dir;

    @Test
    void sighupAndFileChangesReloadABrokenEditIsRefusedAndTermStops() throws Exception {
        try (SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials("root", "pw").withApiCredentials("key", "secret"))) {
            String base = baseConfig(backup);
            Path config = dir.resolve("carpgate.yml");
            Path console = dir.resolve("console.txt");
            Process process = CarpgateProcess.run(List.of(), config, console);
            try {
                int port = Integer.parseInt(CarpgateProcess.await(console, CarpgateProcess.PORT).group(1));
                URI uri = URI.create("https://127.0.0.1:" + port + "/xmlrpc.php");
                assertThat(CarpgateProcess.firmware(uri)).isEqualTo(200);

                // SIGHUP: a new allowed-users takes effect without a restart.
                Files.writeString(config, base + "allowed-users: [admin]\n");
                signal(process, "HUP");
                CarpgateProcess.await(console, Pattern.compile("SIGHUP: reloading"));
                CarpgateProcess.await(console, Pattern.compile("configuration .* reloaded: 1 pair"));
                assertThat(CarpgateProcess.firmware(uri)).isEqualTo(403);

                // A broken edit, noticed by the file watch alone: refused, logged, the running one serves on.
                Files.writeString(config, base + "allowed-users: [admin]\nmode: sometimes\n");
                CarpgateProcess.await(console, Pattern.compile("NOT reloaded, the running configuration stays in force: .*mode must be"));
                assertThat(CarpgateProcess.firmware(uri)).isEqualTo(403);

                // Fixed, again by the file watch.
                Files.writeString(config, base);
                CarpgateProcess.awaitCount(console, "reloaded: 1 pair", 2);
                assertThat(CarpgateProcess.firmware(uri)).isEqualTo(200);

                signal(process, "TERM");
                assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
                // It said it was draining, and when it was done.
                assertThat(CarpgateProcess.read(console)).contains("stopping: new calls are refused", "stopped: every call in flight finished");
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
            Process process = CarpgateProcess.run(List.of("nohup"), config, console);
            try {
                int port = Integer.parseInt(CarpgateProcess.await(console, CarpgateProcess.PORT).group(1));
                CarpgateProcess.await(console, Pattern.compile("WARNING: SIGHUP was ignored when carpgate started \\(nohup\\?\\).*"
                        + "reload by signal is unavailable"));
                assertThat(CarpgateProcess.read(console)).contains("(not on SIGHUP)").doesNotContain("reloads on SIGHUP");
                URI uri = URI.create("https://127.0.0.1:" + port + "/xmlrpc.php");
                Files.writeString(config, base + "allowed-users: [admin]\n");
                CarpgateProcess.await(console, Pattern.compile("configuration .* reloaded: 1 pair"));
                assertThat(CarpgateProcess.firmware(uri)).as("the file watch still reloads").isEqualTo(403);
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
                + "admin: {enabled: false}\nstate-dir: state\n"
                + "backup: {url: '" + backup.baseUrl() + "', pin-sha256: '" + backup.fingerprint()
                + "', api-credentials: api.txt}\n";
        Files.writeString(dir.resolve("carpgate.yml"), base);
        return base;
    }

    private static void signal(Process process, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
