package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.e2e.EndToEnd;
import io.carpgate.sim.SimulatedBackup;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record on disk, with {@code carpgate run} as its own process: a rotation by rename and SIGHUP loses no
 * line, a kill while the backup works on a call leaves its decision line, an unwritable log folder stops the start.
 */
@EndToEnd
class RecordProcessTest {
    @TempDir
    Path dir;

    private String config(SimulatedBackup backup, String logs) throws IOException {
        Files.writeString(dir.resolve("api.txt"), "key:secret\n");
        String yaml = "listen: {host: 127.0.0.1, port: 0}\ntls: {cert: c.crt, key: c.key}\nlogs: {dir: " + logs + "}\n"
                + "admin: {enabled: false}\nstate-dir: state\n"
                + "backup: {url: '" + backup.baseUrl() + "', pin-sha256: '" + backup.fingerprint()
                + "', api-credentials: api.txt}\n";
        Files.writeString(dir.resolve("carpgate.yml"), yaml);
        return yaml;
    }

    private static SimulatedBackup backup() {
        return SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials("root", "pw").withApiCredentials("key", "secret"));
    }

    private static long lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).size() : 0;
    }

    private static void awaitLines(Path file, long count) {
        Awaitility.await(file.getFileName() + " has " + count + " lines").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20)).until(() -> lines(file) == count);
    }

    private static void signal(Process process, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    @Test
    void aRotationByRenameThenSighupLosesNoLine() throws Exception {
        try (SimulatedBackup backup = backup()) {
            config(backup, "logs");
            Path console = dir.resolve("console.txt");
            Process process = CarpgateProcess.run(List.of(), dir.resolve("carpgate.yml"), console);
            try {
                int port = Integer.parseInt(CarpgateProcess.await(console, CarpgateProcess.PORT).group(1));
                URI uri = URI.create("https://127.0.0.1:" + port + "/xmlrpc.php");
                Path access = dir.resolve("logs/access.log");
                Path rotated = dir.resolve("logs/access.log.1");
                for (int i = 0; i < 3; i++) {
                    assertThat(CarpgateProcess.firmware(uri)).isEqualTo(200);
                }
                awaitLines(access, 3);
                // logrotate without copytruncate: rename, then tell carpgate (postrotate).
                Files.move(access, rotated);
                Files.move(dir.resolve("logs/decisions.jsonl"), dir.resolve("logs/decisions.jsonl.1"));
                assertThat(CarpgateProcess.firmware(uri)).isEqualTo(200); // between the rename and the signal
                awaitLines(rotated, 4);
                signal(process, "HUP");
                CarpgateProcess.await(console, Pattern.compile("configuration .* reloaded: 1 pair"));
                for (int i = 0; i < 2; i++) {
                    assertThat(CarpgateProcess.firmware(uri)).isEqualTo(200);
                }
                awaitLines(access, 2);
                assertThat(lines(rotated)).as("nothing more went to the renamed file").isEqualTo(4);
                // Each forwarded call: its line as sent and its line when done.
                awaitLines(dir.resolve("logs/decisions.jsonl"), 4);
                assertThat(lines(dir.resolve("logs/decisions.jsonl.1"))).isEqualTo(8);
                assertThat(CarpgateProcess.read(console)).doesNotContain("could not be reopened");
            } finally {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aKillWhileTheBackupWorksOnACallLeavesItsDecisionOnDisk() throws Exception {
        try (SimulatedBackup backup = backup()) {
            config(backup, "logs");
            CountDownLatch release = backup.hold("opnsense.firmware_version");
            Path console = dir.resolve("console.txt");
            Process process = CarpgateProcess.run(List.of(), dir.resolve("carpgate.yml"), console);
            try {
                int port = Integer.parseInt(CarpgateProcess.await(console, CarpgateProcess.PORT).group(1));
                URI uri = URI.create("https://127.0.0.1:" + port + "/xmlrpc.php");
                CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> {
                    try {
                        return CarpgateProcess.firmware(uri);
                    } catch (Exception e) {
                        return -1; // cut off by the kill
                    }
                });
                Awaitility.await("the backup has the call").atMost(Duration.ofSeconds(30))
                        .until(() -> backup.received().stream().anyMatch(c -> c.path().equals("/xmlrpc.php")));
                process.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
                assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
                String decisions = Files.readString(dir.resolve("logs/decisions.jsonl"), StandardCharsets.UTF_8);
                assertThat(decisions.lines().toList()).singleElement().asString()
                        .contains("\"stage\":\"sent\"", "\"method\":\"opnsense.firmware_version\"",
                                "\"decision\":\"forwarded\"");
                assertThat(held.get(30, TimeUnit.SECONDS)).as("the master never heard a success").isNotEqualTo(200);
            } finally {
                release.countDown();
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void anUnwritableLogFolderStopsTheStartWithExitStatusOne() throws Exception {
        try (SimulatedBackup backup = backup()) {
            Files.writeString(dir.resolve("not-a-folder"), "a file where the log folder should be");
            config(backup, "not-a-folder");
            Path console = dir.resolve("console.txt");
            Process process = CarpgateProcess.run(List.of(), dir.resolve("carpgate.yml"), console);
            try {
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("it does not start").isTrue();
                assertThat(process.exitValue()).isEqualTo(1);
                assertThat(CarpgateProcess.read(console)).contains("carpgate: cannot start: cannot create the log folder")
                        .doesNotContain("carpgate listening", "Exception");
            } finally {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
