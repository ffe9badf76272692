package io.carpgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carpgate.tls.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Issue #12's workload: how a cold carpgate serves a master's first calls. A master syncs a few dozen calls,
 * hours or days apart, so carpgate nearly always meets them on a cold JVM.
 *
 * <p>Each sample starts a new process (the certificate is already there), times start to listening (the
 * port accepts a connection), then makes the first call and calls 2-10 right away, one after another, each a new TLS connection
 * from curl, as OPNsense's PHP makes them, with a ~10 KB restore that carpgate rewrites. nginx gets the same,
 * a new nginx per sample, in the same run; the variants and nginx take turns. Then, on one process of each,
 * 1,000 calls, and the median of the next ones: warm.
 */
final class ColdStart {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = 10;
    private static final int WARM_UP_CALLS = 1000;
    private static final int WARM_CALLS = 100;
    static final String NGINX = "nginx";
    static final String SHIPPED = "shipped";
    private static final String TRY = "try";

    /** One way of starting carpgate (or nginx), and how long it sits idle before the first call. */
    private record Variant(String key, String label, List<String> command, Map<String, String> env, Duration idle) {}

    /** One process: start to listening, then ten calls (status, TLS handshake and total ms). */
    private record Sample(double listenMs, List<CurlMaster.Call> calls, String runtime, long logLines) {}

    private final Path out;
    private final Path carpgateDir;
    private final Path nginxDir;
    private final int backupPort;
    private final int carpgatePort;
    private final int nginxPort;
    private final String nginx;
    private final CurlMaster master;
    private final Consumer<String> log;
    private final List<Variant> variants = new ArrayList<>();
    /** The variants sampled: all, or those {@code --cold-only} names. */
    private final List<Variant> measured = new ArrayList<>();

    /**
     * @param wrapper {@code bin/carpgate}
     * @param java17 a Java 17 for the "as before" variant
     */
    ColdStart(Path out, int backupPort, String pin, String nginx, Path jar, Path wrapper, Path java17, Duration idle,
              String tryOptions, List<String> only, Consumer<String> log) throws Exception {
        this.out = out.resolve("cold");
        this.backupPort = backupPort;
        this.nginx = nginx;
        this.log = log;
        this.carpgateDir = this.out.resolve("carpgate");
        this.nginxDir = this.out.resolve("nginx");
        this.carpgatePort = Bench.freePort();
        this.nginxPort = Bench.freePort(carpgatePort);
        Path config = Bench.writeCarpgateConfig(carpgateDir, carpgatePort, backupPort, pin);
        Files.createDirectories(nginxDir);
        Path cert = nginxDir.resolve("nginx.crt");
        Path key = nginxDir.resolve("nginx.key");
        PemFiles.writeSelfSigned(cert, key, "nginx.bench", List.of("127.0.0.1"));
        Files.writeString(nginxDir.resolve("nginx.conf"), Bench.nginxConf(nginxDir, nginxPort, cert, key, backupPort));
        this.master = new CurlMaster(this.out.resolve("master"), Payloads.restore(10 * 1000, 4));

        String cfg = config.toString();
        variants.add(new Variant(NGINX, "nginx", List.of(nginx, "-p", nginxDir.toString(), "-c",
                nginxDir.resolve("nginx.conf").toString()), Map.of(), Duration.ZERO));
        variants.add(new Variant("before", "carpgate as before #12: `java -jar` on Java 17, no start-up cache, no warm-up",
                List.of(java17.toString(), "-XX:+ExitOnOutOfMemoryError", "-Xmx256m", "-jar", jar.toString(), "run",
                        "--no-warm-up", "--config", cfg), Map.of(), Duration.ZERO));
        variants.add(new Variant("java17", "`bin/carpgate run` on Java 17: class-data sharing archive and warm-up",
                List.of(wrapper.toString(), "run", "--config", cfg), Map.of("CARPGATE_JAVA", java17.toString()),
                Duration.ZERO));
        variants.add(new Variant("no-warm-up", "`bin/carpgate run --no-warm-up`: start-up cache, no warm-up",
                List.of(wrapper.toString(), "run", "--no-warm-up", "--config", cfg), Map.of(), Duration.ZERO));
        variants.add(new Variant(SHIPPED, "`bin/carpgate run` as shipped: start-up cache and warm-up",
                List.of(wrapper.toString(), "run", "--config", cfg), Map.of(), Duration.ZERO));
        variants.add(new Variant("idle", "`bin/carpgate run` as shipped, first call " + idle.toSeconds()
                + " s after listening (a sync that comes later)", List.of(wrapper.toString(), "run", "--config", cfg),
                Map.of(), idle));
        if (!tryOptions.isBlank()) {
            // An experiment: the shipped start with more JVM options (after the launcher's default heap options).
            Map<String, String> opts = Map.of("CARPGATE_JAVA_OPTS", "-Xmx256m -Xms16m " + tryOptions);
            variants.add(new Variant(TRY, "`bin/carpgate run` as shipped with `" + tryOptions + "`",
                    List.of(wrapper.toString(), "run", "--config", cfg), opts, Duration.ZERO));
            variants.add(new Variant("try-idle", "`bin/carpgate run` as shipped with `" + tryOptions + "`, first call "
                    + idle.toSeconds() + " s after listening", List.of(wrapper.toString(), "run", "--config", cfg), opts,
                    idle));
        }
        // nginx is always measured: every ratio is to it.
        variants.stream().filter(v -> only.isEmpty() || v.key().equals(NGINX) || only.contains(v.key()))
                .forEach(measured::add);
    }

    ObjectNode run(int samples) throws Exception {
        // The Java 17 fallback's own start-up cache (the package step built the newest Java's).
        Variant java17 = variant("java17");
        if (measured.contains(java17)) {
            ProcessBuilder cds = new ProcessBuilder(java17.command().get(0), "aot-cache").redirectErrorStream(true)
                    .redirectOutput(out.resolve("java17-cache.out").toFile());
            cds.environment().putAll(java17.env());
            Process building = cds.start();
            if (!building.waitFor(10, TimeUnit.MINUTES) || building.exitValue() != 0) {
                throw new IllegalStateException("bin/carpgate aot-cache on Java 17 failed; see "
                        + out.resolve("java17-cache.out"));
            }
        }
        // One untimed start creates carpgate's certificate: the workload is a restart, not a first install.
        sample(variant("before"));
        Map<String, List<Sample>> results = new LinkedHashMap<>();
        measured.forEach(v -> results.put(v.key(), new ArrayList<>()));
        for (int i = 0; i < samples; i++) {
            for (Variant v : measured) {
                Sample s = sample(v);
                results.get(v.key()).add(s);
                log(String.format(Locale.ROOT, "cold %-10s #%d listening %5.0f ms  first %6.1f ms  calls 2-10 median %5.1f ms",
                        v.key(), i + 1, s.listenMs(), s.calls().get(0).totalMs(), median(rest(s))));
            }
        }
        ObjectNode cold = JSON.createObjectNode();
        cold.put("samples", samples);
        cold.put("calls_per_sample", CALLS);
        cold.put("body_bytes", Payloads.restore(10 * 1000, 4).length);
        ArrayNode rows = cold.putArray("variants");
        double nginxRest = median(results.get(NGINX).stream().flatMap(s -> rest(s).stream()).toList());
        for (Variant v : measured) {
            List<Sample> list = results.get(v.key());
            ObjectNode row = rows.addObject();
            row.put("key", v.key());
            row.put("label", v.label());
            row.put("runtime", list.get(list.size() - 1).runtime());
            row.put("idle_s", v.idle().toSeconds());
            double[] listen = list.stream().mapToDouble(Sample::listenMs).toArray();
            double[] first = list.stream().mapToDouble(s -> s.calls().get(0).totalMs()).toArray();
            List<Double> restAll = list.stream().flatMap(s -> rest(s).stream()).toList();
            row.put("listen_ms_p50", median(listen));
            row.put("listen_ms_max", max(listen));
            row.put("first_ms_p50", median(first));
            row.put("first_ms_max", max(first));
            row.put("first_tls_ms_p50", median(list.stream().mapToDouble(s -> s.calls().get(0).tlsMs()).toArray()));
            row.put("rest_ms_median", median(restAll));
            row.put("rest_tls_ms_median", median(list.stream().flatMap(s -> s.calls().subList(1, CALLS).stream())
                    .mapToDouble(CurlMaster.Call::tlsMs).toArray()));
            row.put("rest_ratio_to_nginx", median(restAll) / nginxRest);
            row.put("log_lines_expected", !v.key().equals(NGINX) ? CALLS : 0);
            row.put("log_lines_max", list.stream().mapToLong(Sample::logLines).max().orElse(0));
            row.put("log_lines_min", list.stream().mapToLong(Sample::logLines).min().orElse(0));
        }
        cold.set("warm", warm());
        return cold;
    }

    /**
     * One process of carpgate as shipped (or as {@code --cold-try} has it, when given) and one nginx, each warmed with
     * 1,000 calls, then measured in turns.
     */
    private ObjectNode warm() throws Exception {
        Variant shipped = variants.stream().anyMatch(v -> v.key().equals(TRY)) ? variant(TRY) : variant(SHIPPED);
        Variant nginxVariant = variant(NGINX);
        Process carpgate = start(shipped, out.resolve("warm-carpgate.out"));
        Process ngx = start(nginxVariant, out.resolve("warm-nginx.out"));
        try {
            awaitPort(carpgatePort, carpgate, "carpgate");
            awaitPort(nginxPort, ngx, NGINX);
            for (int i = 0; i < WARM_UP_CALLS; i++) {
                check(master.call(carpgatePort), "carpgate");
                if (i % 5 == 0) {
                    check(master.call(nginxPort), NGINX);
                }
            }
            List<Double> c = new ArrayList<>();
            List<Double> n = new ArrayList<>();
            for (int i = 0; i < WARM_CALLS; i++) {
                c.add(check(master.call(carpgatePort), "carpgate").totalMs());
                n.add(check(master.call(nginxPort), NGINX).totalMs());
            }
            ObjectNode warm = JSON.createObjectNode();
            warm.put("calls_before", WARM_UP_CALLS);
            warm.put("calls_measured", WARM_CALLS);
            warm.put("carpgate_ms_median", median(c));
            warm.put("nginx_ms_median", median(n));
            warm.put("ratio", median(c) / median(n));
            warm.put("variant", shipped.key());
            log(String.format(Locale.ROOT, "warm (" + shipped.key() + "): carpgate %.2f ms, nginx %.2f ms (medians of %d calls each, after %d)",
                    median(c), median(n), WARM_CALLS, WARM_UP_CALLS));
            return warm;
        } finally {
            stop(carpgate);
            stop(ngx);
        }
    }

    private Variant variant(String key) {
        return variants.stream().filter(v -> v.key().equals(key)).findFirst().orElseThrow();
    }

    private Sample sample(Variant v) throws Exception {
        for (String file : List.of("access.log", "decisions.jsonl")) {
            Files.deleteIfExists(carpgateDir.resolve("logs").resolve(file));
        }
        int port = v.key().equals(NGINX) ? nginxPort : carpgatePort;
        Path console = out.resolve(v.key() + ".out");
        long start = System.nanoTime();
        Process p = start(v, console);
        List<CurlMaster.Call> calls = new ArrayList<>();
        double listenMs;
        try {
            awaitPort(port, p, v.key());
            listenMs = (System.nanoTime() - start) / 1e6;
            Thread.sleep(v.idle().toMillis());
            for (int i = 0; i < CALLS; i++) {
                calls.add(check(master.call(port), v.key()));
            }
        } finally {
            stop(p);
        }
        long lines = v.key().equals(NGINX) ? 0
                : callsInDecisionLog(carpgateDir.resolve("logs").resolve("decisions.jsonl"));
        String first = Files.readAllLines(console, StandardCharsets.UTF_8).stream().findFirst().orElse("");
        // bin/carpgate's runs say which Java and start-up cache they use; a plain java -jar says nothing.
        String runtime = first.startsWith("Java ") ? first : "";
        return new Sample(listenMs, calls, runtime, lines);
    }

    private Process start(Variant v, Path console) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(v.command()).directory(v.key().equals(NGINX) ? nginxDir.toFile()
                : carpgateDir.toFile()).redirectErrorStream(true).redirectOutput(console.toFile());
        pb.environment().putAll(v.env());
        return pb.start();
    }

    private static CurlMaster.Call check(CurlMaster.Call call, String target) {
        if (call.status() != 200 || !call.answer().contains("<boolean>1</boolean>")) {
            throw new IllegalStateException(target + " answered the restore with HTTP " + call.status() + ": "
                    + call.answer().substring(0, Math.min(200, call.answer().length())));
        }
        return call;
    }

    /** Polls every 2 ms: start-to-listening is measured to within that. */
    private static void awaitPort(int port, Process p, String what) throws Exception {
        Bench.awaitPort(port, p, what, java.time.Duration.ofMillis(2));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * How many calls the decision log tells of: a forwarded call has two lines (sent, then done) under one request id,
     * an answered-by-carpgate one a single line; the warm-up's calls must add none.
     */
    private static long callsInDecisionLog(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var l = Files.lines(file)) {
            return l.map(line -> {
                try {
                    return Bench.JSON.readTree(line).path("request").asText();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).distinct().count();
        }
    }

    private static List<Double> rest(Sample s) {
        return s.calls().subList(1, CALLS).stream().map(CurlMaster.Call::totalMs).toList();
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private void log(String message) {
        log.accept(message);
    }
}
