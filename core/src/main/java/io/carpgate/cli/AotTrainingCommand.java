package io.carpgate.cli;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigLoader;
import io.carpgate.observe.LogSetup;
import io.carpgate.runtime.Carpgate;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import io.carpgate.tls.TlsContexts;
import io.carpgate.warmup.StandInBackup;
import io.carpgate.warmup.Warmup;
import io.carpgate.warmup.WarmupCalls;
import io.carpgate.warmup.WarmupClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The training run of the JVM's ahead-of-time cache (JEP 483/514/515): {@code bin/carpgate aot-cache} runs
 * it under {@code -XX:AOTCacheOutput}, and the JVM keeps the classes it loaded and linked and the profiles
 * of the code it ran. So it does what {@code run} does, on a configuration of its own whose backup is an
 * in-process stand-in, then makes a sync's calls through the real listener over TLS, reads the admin
 * pages and reloads once. Nothing beyond loopback is contacted; its folder is removed at the end.
 */
@Command(name = "aot-training", hidden = true, mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Training run for the JVM's AOT cache (bin/carpgate aot-cache runs it): starts carpgate on a "
                + "temporary configuration with an in-process stand-in backup, sends it a sync's calls over TLS and "
                + "exits. Exit status 1 when an answer is not the expected one.")
final class AotTrainingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--rounds", defaultValue = "100", paramLabel = "N",
            description = "rounds of the four calls (restore, suppressed and forwarded restart, firmware_version)")
    int rounds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("carpgate-aot-training");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        int calls = 0;
        try {
            Path cert = work.resolve("certs/carpgate.crt");
            Path key = work.resolve("certs/carpgate.key");
            Fingerprint fingerprint = PemFiles.writeSelfSigned(cert, key, "carpgate", List.of("localhost", "127.0.0.1"));
            try (StandInBackup.Serving backup = StandInBackup.serve(
                    TlsContexts.server(PemFiles.loadKeyStore(cert, key), PemFiles.keyStorePassword()))) {
                CarpgateConfig config = ConfigLoader.load(writeConfig(work, backup.url(), fingerprint), Map.of());
                LogSetup.configure(config.logs());
                try (Carpgate running = Carpgate.start(config, new PrintStream(console, true, StandardCharsets.UTF_8), List.of(),
                        Optional.of(new Warmup.Plan(1, Duration.ofSeconds(60), 0, Duration.ofSeconds(60), Duration.ZERO)))) {
                    WarmupClient master = new WarmupClient(running.port());
                    for (int round = 0; round < rounds; round++) {
                        for (WarmupCalls.Call call : WarmupCalls.all()) {
                            String answer = master.call(call.body());
                            calls++;
                            if (!answer.startsWith("HTTP/1.1 200") || !call.expected().test(answer)) {
                                problems.add(call.name() + " was not answered as expected");
                            }
                        }
                    }
                    int admin = running.admin().orElseThrow().port();
                    for (String page : List.of("/", "/metrics", "/healthz", "/readyz")) {
                        int status = get(URI.create("http://127.0.0.1:" + admin + page));
                        if (status != 200) {
                            problems.add("admin " + page + " answered " + status);
                        }
                    }
                    if (running.reload(Map.of()) instanceof Carpgate.ReloadResult.Rejected rejected) {
                        problems.add("reload rejected: " + rejected.reason());
                    }
                }
            }
        } finally {
            removeQuietly(work);
        }
        if (!problems.isEmpty()) {
            out.println("AOT training: " + problems.size() + " unexpected outcome(s), first: " + problems.get(0));
            out.println(console.toString(StandardCharsets.UTF_8));
            out.flush();
            return 1;
        }
        out.println("AOT training: " + calls + " calls through carpgate over TLS (rewritten, suppressed, forwarded as "
                + "expected), the admin pages and a reload");
        out.flush();
        return 0;
    }

    private static Path writeConfig(Path work, URI backup, Fingerprint pin) throws IOException {
        Files.writeString(work.resolve("backup-api.txt"), "aot-training:aot-training\n");
        Files.writeString(work.resolve("vhid-map.yml"), WarmupCalls.VHID_MAP);
        return Files.writeString(work.resolve("carpgate.yml"), "listen: {host: 127.0.0.1, port: 0}\n"
                + "tls: {cert: certs/carpgate.crt, key: certs/carpgate.key}\n"
                + "backup:\n  url: " + backup + "\n  pin-sha256: \"" + pin + "\"\n  api-credentials: backup-api.txt\n"
                + "vhid-map: vhid-map.yml\n"
                + "allow-from: [127.0.0.1/32]\n"
                + "logs: {dir: logs, level: error}\n"
                + "state-dir: state\n"
                + "admin: {host: 127.0.0.1, port: 0}\n");
    }

    private static int get(URI uri) throws IOException, InterruptedException {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void removeQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary folder; the system cleans it eventually
        }
    }
}
