package io.carpgate.e2e;

import io.carpgate.runtime.Carpgate;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import io.carpgate.observe.LogSetup;
import io.carpgate.sim.SimulatedBackup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A simulated backup and a carpgate in front of it, configured through a real YAML file in {@code dir}. */
final class Pair implements AutoCloseable {
    static final String SYNC_USER = "root";
    static final String SYNC_PASSWORD = "sync-password-Xq7";
    static final String API_KEY = "carpgate-api-key-0123456789";
    static final String API_SECRET = "api-secret-Zr9-never-log";

    final SimulatedBackup backup;
    final Carpgate carpgate;
    final Path dir;
    final ByteArrayOutputStream console;
    /** Every finished exchange, as the logs see it: tests wait for records here, not for log lines. */
    final ExchangeRecorder exchanges;

    private Pair(SimulatedBackup backup, Carpgate carpgate, Path dir, ByteArrayOutputStream console,
                 ExchangeRecorder exchanges) {
        this.backup = backup;
        this.carpgate = carpgate;
        this.dir = dir;
        this.console = console;
        this.exchanges = exchanges;
    }

    /** @param extraYaml appended to the configuration (e.g. a vhid-map line or limits) */
    static Pair start(Path dir, String extraYaml, String vhidMap) throws Exception {
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(SYNC_USER, SYNC_PASSWORD).withApiCredentials(API_KEY, API_SECRET));
        try {
            return start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(), extraYaml, vhidMap);
        } catch (Exception | Error e) {
            backup.close();
            throw e;
        }
    }

    static Pair start(Path dir, SimulatedBackup backup, URI backupUrl, String pin, String extraYaml, String vhidMap)
            throws Exception {
        Files.writeString(dir.resolve("backup-api.txt"), API_KEY + ":" + API_SECRET + "\n");
        StringBuilder yaml = new StringBuilder()
                .append("listen: {host: 127.0.0.1, port: 0}\n")
                .append("tls: {cert: certs/carpgate.crt, key: certs/carpgate.key}\n")
                .append("backup:\n")
                .append("  url: ").append(backupUrl).append('\n')
                .append("  pin-sha256: \"").append(pin).append("\"\n")
                .append("  api-credentials: backup-api.txt\n")
                .append("on-unknown-carp: suppress\n");
        if (!extraYaml.startsWith("admin:") && !extraYaml.contains("\nadmin:")) {
            yaml.append("admin: {host: 127.0.0.1, port: 0}\n"); // a test may set its own admin line (port 0)
        }
        if (!extraYaml.startsWith("logs:") && !extraYaml.contains("\nlogs:")) {
            yaml.append("logs: {dir: logs}\n"); // a test may set its own logs line (dir must stay logs)
        }
        if (!extraYaml.contains("state-dir:")) {
            yaml.append("state-dir: state\n"); // inside the test's folder, never beside it
        }
        if (vhidMap != null) {
            Files.writeString(dir.resolve("vhid-map.yml"), vhidMap);
            yaml.append("vhid-map: vhid-map.yml\n");
        }
        // Each decision reads the simulated backup's CARP state afresh, so a test that changes it sees the change
        // at its next call, without waiting out a cache.
        yaml.append(extraYaml.contains("carp-cache") ? extraYaml : extraYaml.contains("limits: {")
                ? extraYaml.replace("limits: {", "limits: {carp-cache: 1ms, ")
                : extraYaml + "limits: {carp-cache: 1ms}\n");
        Path file = dir.resolve("carpgate.yml");
        Files.writeString(file, yaml.toString());
        CarpgateConfig config = ConfigLoader.load(file, Map.of());
        LogSetup.configure(config.logs());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ExchangeRecorder exchanges = new ExchangeRecorder();
        Carpgate running = Carpgate.start(config, new PrintStream(console, true, StandardCharsets.UTF_8),
                java.util.List.of(exchanges));
        return new Pair(backup, running, dir, console, exchanges);
    }

    /** carpgate stops and starts again on the same files (the backup keeps running): a restart of the process. */
    Pair restarted() throws Exception {
        carpgate.close();
        CarpgateConfig config = ConfigLoader.load(dir.resolve("carpgate.yml"), Map.of());
        Carpgate running = Carpgate.start(config, new PrintStream(console, true, StandardCharsets.UTF_8),
                java.util.List.of(exchanges));
        return new Pair(backup, running, dir, console, exchanges);
    }

    URI carpgate(String path) {
        return URI.create("https://127.0.0.1:" + carpgate.port() + path);
    }

    String base() {
        return "https://127.0.0.1:" + carpgate.port() + "/";
    }

    /** What reached the backup's /xmlrpc.php (the simulator also records carpgate's API requests). */
    java.util.List<io.carpgate.sim.ReceivedCall> xmlrpcCalls() {
        return backup.received().stream().filter(c -> c.path().equals("/xmlrpc.php")).toList();
    }

    /**
     * The log file once it holds a line containing {@code expected} (for the tests of the file formats; other
     * tests wait for {@link #exchanges}). Fails loudly at the deadline.
     */
    String awaitLog(String name, String expected) {
        try {
            return org.awaitility.Awaitility.await(name + " holds " + expected).atMost(ExchangeRecorder.DEADLINE)
                    .pollInterval(java.time.Duration.ofMillis(10)).until(() -> log(name), c -> c.contains(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(name + " has no line with '" + expected + "'; exchanges:\n" + exchanges.summary(), e);
        }
    }

    String log(String name) throws java.io.IOException {
        Path file = dir.resolve("logs").resolve(name);
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() {
        try {
            carpgate.close();
        } finally {
            backup.close();
        }
    }
}
