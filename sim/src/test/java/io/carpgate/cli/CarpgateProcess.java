package io.carpgate.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.carpgate.tls.NoVerification;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * {@code carpgate run} as its own process, as systemd or Docker start it, its console in a file; and what the
 * tests that drive it wait for and send. Every wait has a deadline and fails with the console.
 */
final class CarpgateProcess {
    /** A simulated backup that takes bodies up to 80 MiB (the bound tests send 48-60 MiB); XML-RPC root:pw, API key:secret. */
    static io.carpgate.sim.SimulatedBackup backupForLargeBodies() throws Exception {
        return io.carpgate.sim.SimulatedBackup.start(io.carpgate.sim.SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials("root", "pw").withApiCredentials("key", "secret").withMaxBody(80 << 20));
    }

    /**
     * A carpgate.yml in {@code dir} (and its api.txt) for one pair on {@code backup}: listening on a free loopback port,
     * the certificate c.crt/c.key, logs and state in the folder; {@code more} is appended (e.g. the admin listener off).
     */
    static Path configFor(Path dir, io.carpgate.sim.SimulatedBackup backup, String more) throws IOException {
        Files.writeString(dir.resolve("api.txt"), "key:secret\n");
        return Files.writeString(dir.resolve("carpgate.yml"), "listen: {host: 127.0.0.1, port: 0}\n"
                + "tls: {cert: c.crt, key: c.key}\nlogs: {dir: logs}\nstate-dir: state\n" + more
                + "backup: {url: '" + backup.baseUrl() + "', pin-sha256: '" + backup.fingerprint()
                + "', api-credentials: api.txt}\n");
    }

    static final Pattern PORT = Pattern.compile("carpgate listening on https://127\\.0\\.0\\.1:(\\d+)/");
    static final String FIRMWARE = "<?xml version=\"1.0\"?><methodCall><methodName>opnsense.firmware_version"
            + "</methodName><params></params></methodCall>";

    private CarpgateProcess() {}

    /** Starts it after {@code prefix} (e.g. nohup), with the test's own class path. */
    static Process run(List<String> prefix, Path config, Path console) throws IOException {
        return run(prefix, List.of(), config, console);
    }

    /**
     * The same, with options for its JVM (a heap size, GC logging). The configuration must name a {@code state-dir}:
     * the default, {@code ../state} beside the configuration's folder, is outside the test's own (a test in /tmp/x
     * would write /tmp/state).
     */
    static Process run(List<String> prefix, List<String> jvmOptions, Path config, Path console) throws IOException {
        if (!Files.readString(config).contains("\nstate-dir: ")) {
            throw new IllegalArgumentException(config + " names no state-dir: carpgate would write outside the test's "
                    + "folder");
        }
        List<String> command = new ArrayList<>(prefix);
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile()).start();
    }

    static Matcher await(Path console, Pattern pattern) {
        return await(console, pattern, Duration.ofSeconds(30));
    }

    /** The first match of {@code pattern} the console shows, waiting for it. */
    static Matcher await(Path console, Pattern pattern, Duration atMost) {
        try {
            return Awaitility.await("carpgate prints /" + pattern + "/").atMost(atMost)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> pattern.matcher(read(console)), Matcher::find);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("carpgate did not print /" + pattern + "/ within " + atMost.toSeconds() + " s:\n"
                    + read(console), e);
        }
    }

    static void awaitCount(Path console, String text, int count) {
        try {
            Awaitility.await("carpgate prints '" + text + "' " + count + " times").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> read(console).split(Pattern.quote(text), -1).length - 1 >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("carpgate did not print '" + text + "' " + count + " times:\n" + read(console), e);
        }
    }

    static String read(Path console) {
        try {
            return Files.exists(console) ? Files.readString(console) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTP status of a firmware_version call as root:pw (the master's curl: no verification). */
    static int firmware(URI uri) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(NoVerification.sslContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
        String auth = "Basic " + Base64.getEncoder().encodeToString("root:pw".getBytes(StandardCharsets.UTF_8));
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("Authorization", auth)
                .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString(FIRMWARE)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
