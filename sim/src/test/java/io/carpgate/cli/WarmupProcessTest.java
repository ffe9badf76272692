package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.e2e.EndToEnd;
import io.carpgate.sim.SimulatedBackup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carpgate run} as its own process, with its warm-up (the default): the warm-up sends its calls through
 * carpgate's code, yet the backup receives nothing, the access and decision logs stay empty, the metrics count
 * nothing and the console shows only the warm-up's one line. The first real call is then the first thing in
 * each of them.
 */
@EndToEnd
class WarmupProcessTest {
    private static final Pattern ADMIN = Pattern.compile("admin listener on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern DONE = Pattern.compile("warm-up: (\\d+) calls over loopback through TLS, reading, "
            + "gate, patch and forwarding in \\d+ ms \\(no backup contacted\\)(.*)");

    @TempDir
    Path dir;

    @Test
    void theWarmUpReachesNoBackupNoLogNoMetricAndNoConsoleLineButItsOwn() throws Exception {
        try (SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials("root", "pw").withApiCredentials("key", "secret"))) {
            Files.writeString(dir.resolve("api.txt"), "key:secret\n");
            Path config = Files.writeString(dir.resolve("carpgate.yml"), "listen: {host: 127.0.0.1, port: 0}\n"
                    + "tls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\nadmin: {host: 127.0.0.1, port: 0}\n"
                    + "state-dir: state\n"
                    + "backup: {url: '" + backup.baseUrl() + "', pin-sha256: '" + backup.fingerprint()
                    + "', api-credentials: api.txt}\n");
            Path console = dir.resolve("console.txt");
            Process process = CarpgateProcess.run(List.of(), config, console);
            try {
                int port = Integer.parseInt(CarpgateProcess.await(console, CarpgateProcess.PORT, Duration.ofSeconds(60)).group(1));
                int admin = Integer.parseInt(CarpgateProcess.await(console, ADMIN, Duration.ofSeconds(60)).group(1));
                // The plan's 61 rounds of 4 calls, or fewer should its time budget run out on a slow machine.
                Matcher done = CarpgateProcess.await(console, DONE, Duration.ofSeconds(180));
                assertThat(Integer.parseInt(done.group(1))).isBetween(4, 244);
                assertThat(done.group(2)).as("nothing went wrong").isEmpty();

                // carpgate itself reads the backup's CARP API from the start; the warm-up sends nothing there.
                assertThat(backup.received()).as("only carpgate's own CARP reads reached the backup")
                        .allMatch(c -> c.path().startsWith("/api/") && "Basic key".equals(c.headers().get("Authorization")));
                assertThat(lines(dir.resolve("logs/access.log"))).isZero();
                assertThat(lines(dir.resolve("logs/decisions.jsonl"))).isZero();
                String metrics = get(URI.create("http://127.0.0.1:" + admin + "/metrics"));
                assertThat(samples(metrics, "carpgate_requests_total")).as("no request counted").allMatch(v -> v == 0);
                assertThat(samples(metrics, "carpgate_calls_total")).as("no call counted").allMatch(v -> v == 0);
                assertThat(CarpgateProcess.read(console)).as("the warm-up's own carpgate says nothing")
                        .doesNotContain("(warm-up)", "stopping", "stopped");

                assertThat(CarpgateProcess.firmware(URI.create("https://127.0.0.1:" + port + "/xmlrpc.php"))).isEqualTo(200);
                assertThat(backup.received()).filteredOn(c -> c.path().endsWith("/xmlrpc.php")).hasSize(1);
                // One call forwarded: its line written as it was sent, and its line when done.
                Awaitility.await("the real call in the decision log").atMost(Duration.ofSeconds(30))
                        .until(() -> lines(dir.resolve("logs/decisions.jsonl")) == 2);
                assertThat(samples(get(URI.create("http://127.0.0.1:" + admin + "/metrics")), "carpgate_calls_total")
                        .stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(1.0);
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    /** The values of a metric's samples in the text format. */
    private static List<Double> samples(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).toList();
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var l = Files.lines(file)) {
            return l.filter(s -> !s.isBlank()).count();
        }
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
