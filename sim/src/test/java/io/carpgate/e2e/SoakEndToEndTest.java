package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak (#16, point 7): {@code carpgate run} as its own process ({@code -Xmx256m}, as shipped) while the
 * master (127.0.0.2) syncs every 2 s and each attack of {@link Attacks} runs in turn. Every master call must succeed
 * within its normal time, the process must never exit, and once the attacks stop its thread count must return to
 * its baseline, and its RSS come back near it.
 *
 * <p>System properties: {@code carpgate.soak.attacks} ({@code all}, the default, or words separated by commas),
 * {@code carpgate.soak.seconds} (per attack, default 6; 25–30 s lets the slow attacks bite harder).
 */
@EndToEnd
class SoakEndToEndTest {
    private static final Pattern PORT = Pattern.compile("carpgate listening on https://127\\.0\\.0\\.1:(\\d+)/");
    private static final Duration NORMAL = Duration.ofSeconds(5);
    private static final Duration CYCLE = Duration.ofSeconds(2);
    private static final int THREAD_SLACK = 8;
    /** Code compiled and classes loaded during the attacks stay; the heap they grew must not. */
    private static final long RSS_SLACK_KIB = 128 * 1024;

    @TempDir
    Path dir;

    @Test
    void theMasterKeepsSyncingWhileEachAttackRunsInTurn() throws Exception {
        List<Attacks> attacks = Attacks.parse(System.getProperty("carpgate.soak.attacks", "all"));
        Duration perAttack = Duration.ofSeconds(Long.getLong("carpgate.soak.seconds", 6));
        byte[] firmware = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
        byte[] restore = Files.readAllBytes(PythonMaster.fixtures().resolve("restore_config_section.request.xml"));
        try (SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                .withApiCredentials(Pair.API_KEY, Pair.API_SECRET))) {
            Files.writeString(dir.resolve("api.txt"), Pair.API_KEY + ":" + Pair.API_SECRET + "\n");
            Path config = Files.writeString(dir.resolve("carpgate.yml"), "listen: {host: 127.0.0.1, port: 0}\n"
                    + "allow-from: [127.0.0.2/32, 127.0.0.3/32, 127.0.1.0/24]\n"
                    + "tls: {cert: certs/c.crt, key: certs/c.key}\n"
                    + "backup: {url: '" + backup.baseUrl() + "', pin-sha256: '" + backup.fingerprint()
                    + "', api-credentials: api.txt}\n"
                    + "logs: {dir: logs}\n"
                    + "admin: {enabled: false}\n"
                    + "state-dir: state\n");
            Path console = dir.resolve("console.txt");
            Process carpgate = start(config, console);
            try {
                int port = Integer.parseInt(awaitConsole(console, PORT).group(1));
                Master master = new Master(port, firmware, restore);
                for (int i = 0; i < 3; i++) {
                    master.sync("before the attacks");
                }
                Usage baseline = Usage.of(carpgate);
                java.util.Map<String, Long> baselineNames = threadNames(carpgate);
                Attacks.Target target = new Attacks.Target(port, Loopback.STRANGER, Loopback.OTHER_HOST, "127.0.1.",
                        RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD));
                ExecutorService attackers = Executors.newSingleThreadExecutor();
                try {
                    for (Attacks attack : attacks) {
                        Instant until = Instant.now().plus(perAttack);
                        Future<?> running = attackers.submit(() -> {
                            attack.run(target, until);
                            return null;
                        });
                        for (int cycle = 0; Instant.now().isBefore(until) && cycle < 1_000; cycle++) {
                            Instant next = Instant.now().plus(CYCLE);
                            master.sync(attack.word());
                            assertThat(carpgate.isAlive()).as("carpgate still runs during " + attack.word()).isTrue();
                            long left = Duration.between(Instant.now(), next).toMillis();
                            if (left > 0) {
                                Thread.sleep(left); // the master's own pace: a sync every 2 s
                            }
                        }
                        try {
                            running.get(perAttack.toSeconds() + 120, TimeUnit.SECONDS);
                        } catch (java.util.concurrent.ExecutionException e) {
                            // an attack client failing (refused, reset) is carpgate defending itself
                        }
                    }
                } finally {
                    attackers.shutdownNow();
                }
                master.sync("after the attacks");
                assertThat(master.failures).as("master calls that failed or were slow").isEmpty();
                assertThat(carpgate.isAlive()).as("carpgate never exited").isTrue();
                // Connections closed, threads idle again: the thread count comes back (Jetty's pool shrinks idle
                // threads after 60 s; the attacks must not have left more than a few behind).
                Usage[] after = {Usage.of(carpgate)};
                System.out.println("soak: right after the attacks " + after[0]);
                try {
                    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> (after[0] = Usage.of(carpgate)).threads() <= baseline.threads() + THREAD_SLACK);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("threads not back near the baseline " + baseline + " within 90 s: "
                            + after[0] + "; by name: " + threadNames(carpgate) + " (at the baseline: " + baselineNames
                            + ")", e);
                }
                System.out.println("soak: baseline " + baseline + ", after " + after[0] + ", " + master.calls
                        + " master calls, attacks " + attacks.stream().map(Attacks::word).toList());
                // RSS: idle, the JVM gives back the heap the attacks made it grow (bin/carpgate's G1 options); what
                // stays above the baseline is code compiled and classes loaded meanwhile.
                try {
                    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                            .until(() -> (after[0] = Usage.of(carpgate)).rssKib() <= baseline.rssKib() + RSS_SLACK_KIB);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("RSS not back near the baseline " + baseline + " within 90 s: " + after[0],
                            e);
                }
                System.out.println("soak: RSS back near the baseline: " + after[0]);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nconsole:\n" + tail(console), e);
            } finally {
                carpgate.destroy();
                carpgate.waitFor(30, TimeUnit.SECONDS);
                carpgate.destroyForcibly();
            }
        }
    }

    /** The master's sync cycle from 127.0.0.2: firmware_version and a restore, each answered 200 in normal time. */
    private static final class Master {
        final int port;
        final byte[] firmware;
        final byte[] restore;
        final List<String> failures = new ArrayList<>();
        int calls;

        Master(int port, byte[] firmware, byte[] restore) {
            this.port = port;
            this.firmware = firmware;
            this.restore = restore;
        }

        void sync(String during) {
            for (byte[] call : List.of(firmware, restore)) {
                calls++;
                long start = System.nanoTime();
                try {
                    Loopback.Answer answer = Loopback.request(Loopback.MASTER, port, "POST /xmlrpc.php HTTP/1.1",
                            "Content-Type: text/xml\r\nAuthorization: " + RawHttps.basic(Pair.SYNC_USER,
                                    Pair.SYNC_PASSWORD) + "\r\n", call);
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    if (answer.status() != 200 || answer.text().contains("<fault>")) {
                        failures.add(during + ": status " + answer.status());
                    } else if (took.compareTo(NORMAL) > 0) {
                        failures.add(during + ": took " + took.toMillis() + " ms");
                    }
                } catch (Exception e) {
                    failures.add(during + ": " + e);
                }
            }
        }
    }

    /** A process's thread count and resident memory, from /proc (Linux). */
    record Usage(int threads, long rssKib) {
        static Usage of(Process process) throws IOException {
            String status = Files.readString(Paths.get("/proc", Long.toString(process.pid()), "status"));
            return new Usage(Integer.parseInt(field(status, "Threads")), Long.parseLong(field(status, "VmRSS")
                    .replace("kB", "").trim()));
        }

        private static String field(String status, String name) {
            return status.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).trim())
                    .findFirst().orElseThrow();
        }
    }

    /** How many threads of each name (less its number) the process has, from /proc/PID/task/TID/comm. */
    private static java.util.Map<String, Long> threadNames(Process process) throws IOException {
        try (java.util.stream.Stream<Path> tasks = Files.list(Paths.get("/proc", Long.toString(process.pid()), "task"))) {
            return tasks.map(t -> {
                try {
                    return Files.readString(t.resolve("comm")).trim().replaceAll("[-_]?\\d+$", "");
                } catch (IOException e) {
                    return "(gone)";
                }
            }).collect(java.util.stream.Collectors.groupingBy(n -> n, java.util.TreeMap::new,
                    java.util.stream.Collectors.counting()));
        }
    }

    private static Process start(Path config, Path console) throws IOException {
        List<String> command = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                // bin/carpgate's JVM options, as shipped.
                "-Xmx256m", "-Xms16m", "-XX:G1PeriodicGCInterval=5000", "-XX:MinHeapFreeRatio=10",
                "-XX:MaxHeapFreeRatio=30", "-cp", System.getProperty("java.class.path"), "io.carpgate.cli.Main", "run",
                "--no-warm-up", "--config", config.toString());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile()).start();
    }

    private static Matcher awaitConsole(Path console, Pattern pattern) {
        return Awaitility.await("carpgate prints /" + pattern + "/").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> pattern.matcher(read(console)), Matcher::find);
    }

    private static String read(Path console) throws IOException {
        return Files.exists(console) ? Files.readString(console, StandardCharsets.UTF_8) : "";
    }

    private static String tail(Path console) {
        try {
            String text = read(console);
            return text.length() > 8_000 ? text.substring(text.length() - 8_000) : text;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
