package io.carpgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carpgate.tls.PemFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark of issue #5 (run it with {@code bench/run}): the same workloads against the simulated
 * backup directly, through nginx as a plain TLS reverse proxy, and through carpgate, in one run.
 *
 * <p>Four processes: this driver (the master: one new TLS connection per call, as its curl does), the
 * simulated backup ({@link BenchBackup}, a JVM of its own), nginx, and carpgate as a separate JVM
 * ({@code java -Xmx128m -jar carpgate.jar run}) so that its RSS, heap and GC pauses are its own.
 * Not a JUnit test: {@code mvn verify} does not run it.
 */
public final class Bench {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MIB = 1024 * 1024;
    private static final String CARPGATE = "carpgate";
    private static final List<String> TARGETS = List.of("direct", "nginx", CARPGATE);

    /** A target's port and how its answer to a workload must look. */
    private record Target(String name, int port) {}

    private record Workload(String name, String group, int concurrency, byte[] body, int calls,
                            Map<String, Predicate<String>> checks) {
        Predicate<String> check(String target) {
            return checks.getOrDefault(target, checks.get("*"));
        }
    }

    private record Result(Workload workload, Map<String, Stats> stats, GcLog.Window carpgateGc, long carpgateHwmKb) {}

    private final Options options;
    private final Path out;
    private final List<Process> children = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<GcLog.Pause> noPauses = List.of();

    /**
     * @param cold {@code all}: every workload; {@code only}: the cold one (issue #12) alone; {@code none}: all but it
     */
    /**
     * @param burst {@code all}: with the burst-after-idle workload (issue #20); {@code only}: it alone; {@code none}
     */
    private record Options(boolean quick, Path out, Path jar, String nginx, boolean jfr, String xmx, String cold,
                           int coldSamples, int coldIdleSeconds, String launcher, String burst, int burstIdleSeconds,
                           int bursts, int restoreSamples, String coldTry, List<String> coldOnly, String carpgateOpts) {
        static Options parse(String[] args) {
            boolean quick = false;
            boolean jfr = false;
            String cold = "all";
            int coldSamples = -1;
            int coldIdle = 10;
            String launcher = "shipped";
            String burst = "all";
            int burstIdle = 60;
            int bursts = 5;
            int restoreSamples = -1;
            String coldTry = "";
            List<String> coldOnly = List.of();
            String carpgateOpts = "";
            Path out = Paths.get("target/bench");
            Path jar = Paths.get("target/carpgate.jar");
            String nginx = "nginx";
            String xmx = "128m";
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--jfr" -> jfr = true;
                    case "--out" -> out = Paths.get(args[++i]);
                    case "--jar" -> jar = Paths.get(args[++i]);
                    case "--nginx" -> nginx = args[++i];
                    case "--xmx" -> xmx = args[++i];
                    case "--cold" -> cold = "only";
                    case "--no-cold" -> cold = "none";
                    case "--cold-samples" -> coldSamples = Integer.parseInt(args[++i]);
                    case "--cold-idle" -> coldIdle = Integer.parseInt(args[++i]);
                    case "--launcher" -> launcher = args[++i];
                    case "--burst" -> burst = "only";
                    case "--no-burst" -> burst = "none";
                    case "--burst-idle" -> burstIdle = Integer.parseInt(args[++i]);
                    case "--bursts" -> bursts = Integer.parseInt(args[++i]);
                    case "--restore-samples" -> restoreSamples = Integer.parseInt(args[++i]);
                    case "--cold-try" -> coldTry = args[++i];
                    case "--cold-only" -> coldOnly = List.of(args[++i].split(","));
                    case "--carpgate-opts" -> carpgateOpts = args[++i];
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]
                            + " (known: --quick --jfr --cold --no-cold --cold-samples N --cold-idle S --cold-try OPTS --cold-only KEYS --carpgate-opts OPTS --launcher shipped|java17"
                            + " --burst --no-burst --burst-idle S --bursts N --restore-samples N"
                            + " --out DIR --jar FILE --nginx BIN --xmx SIZE)");
                }
            }
            if (coldSamples < 0) {
                coldSamples = quick ? 4 : 10;
            }
            if (!launcher.equals("shipped") && !launcher.equals("java17")) {
                throw new IllegalArgumentException("--launcher is shipped (bin/carpgate) or java17 (java -jar, as before)");
            }
            if (restoreSamples < 0) {
                restoreSamples = quick ? 3 : 5;
            }
            if (burst.equals("only") && cold.equals("only")) {
                throw new IllegalArgumentException("--burst and --cold each run one workload alone: give one of them");
            }
            return new Options(quick, out.toAbsolutePath(), jar.toAbsolutePath(), nginx, jfr, xmx, cold, coldSamples,
                    coldIdle, launcher, burst, burstIdle, bursts, restoreSamples, coldTry, coldOnly, carpgateOpts);
        }
    }

    /** {@code /proc/loadavg} when the run began: the machine is shared, and the numbers depend on it. */
    private final String loadAtStart = firstMatch(Paths.get("/proc/loadavg"), "").map(l -> String.join(" ",
            java.util.Arrays.asList(l.split(" ")).subList(0, 3))).orElse("unknown");

    private Bench(Options options) {
        this.options = options;
        this.out = options.out();
    }

    public static void main(String[] args) throws Exception {
        Bench bench = new Bench(Options.parse(args));
        int status;
        try {
            status = bench.run();
        } finally {
            bench.stopAll();
        }
        System.exit(status);
    }

    // ------------------------------------------------------------------------------------------ the run

    private int run() throws Exception {
        Files.createDirectories(out);
        for (String stale : List.of("results.md", "results.json", "carpgate-gc.log", "carpgate.jfr")) {
            Files.deleteIfExists(out.resolve(stale));
        }
        log("output in " + out + (options.quick() ? " (quick run)" : ""));

        if (options.burst().equals("only")) {
            ObjectNode report = JSON.createObjectNode();
            report.put("date", java.time.LocalDate.now().toString());
            report.set("machine", machine());
            report.set("burst", burst());
            write(report, Markdown.renderBurst(report));
            return 0;
        }
        JsonNode burst = options.burst().equals("none") || options.cold().equals("only") ? null : burst();
        StartedBackup started = startBackup(List.of());
        int backupPort = started.port();
        String pin = started.pin();
        JsonNode cold = null;
        if (!options.cold().equals("none")) {
            log("cold workload (issue #12): " + options.coldSamples() + " samples per variant");
            Path java17 = Paths.get(System.getProperty("java.home"), "bin", "java");
            cold = new ColdStart(out, backupPort, pin, options.nginx(), options.jar(),
                    options.jar().getParent().getParent().resolve("bin/carpgate"), java17,
                    java.time.Duration.ofSeconds(options.coldIdleSeconds()), options.coldTry(), options.coldOnly(),
                    Bench::log).run(options.coldSamples());
        }
        if (options.cold().equals("only")) {
            ObjectNode report = JSON.createObjectNode();
            report.put("date", java.time.LocalDate.now().toString());
            report.put("quick", options.quick());
            report.set("machine", machine());
            report.set("cold", cold);
            write(report, Markdown.renderCold(report));
            return 0;
        }
        int nginxPort = startNginx(backupPort);
        Process carpgate = startCarpgate(backupPort, pin);
        List<Target> targets = List.of(new Target("direct", backupPort), new Target("nginx", nginxPort),
                new Target(CARPGATE, carpgatePort));

        boolean quick = options.quick();
        List<Workload> small = new ArrayList<>();
        for (int concurrency : new int[] {1, 16}) {
            int calls = concurrency == 1 ? (quick ? 150 : 500) : (quick ? 800 : 3000);
            small.add(new Workload("firmware_version", "small", concurrency, Payloads.firmwareVersion(), calls,
                    Map.of("*", a -> a.contains("<name>firmware</name>"))));
            small.add(new Workload("restart_service suppressed", "small", concurrency,
                    Payloads.restartWireGuard(Payloads.WG_BACKUP), calls,
                    Map.of("*", a -> a.contains("has been restarted"),
                            CARPGATE, a -> a.contains("carpgate suppressed"))));
            small.add(new Workload("restart_service forwarded", "small", concurrency,
                    Payloads.restartWireGuard(Payloads.WG_MASTER), calls,
                    Map.of("*", a -> a.contains("has been restarted"))));
        }
        Map<String, Predicate<String>> restored = Map.of("*", a -> a.contains("<boolean>1</boolean>"));
        List<Workload> large = List.of(
                new Workload("restore 100 KiB", "large", 1, Payloads.restore(100 * 1024), quick ? 40 : 200, restored),
                new Workload("restore 10 MiB", "large", 1, Payloads.restore(10 * MIB), quick ? 5 : 20, restored),
                new Workload("restore 50 MiB", "large", 1, Payloads.restore(50 * MIB), quick ? 3 : 8, restored));

        log("warm-up");
        for (Target t : targets) {
            check(t);
            // A restore first: the backup then has the instances the restarts name.
            runWorkload(t, new Workload("warm-up", "warm-up", 2, large.get(0).body(), quick ? 20 : 60, restored));
            runWorkload(t, new Workload("warm-up", "warm-up", 16, Payloads.firmwareVersion(), quick ? 300 : 1000,
                    Map.of("*", a -> true)));
            runWorkload(t, new Workload("warm-up", "warm-up", 16, Payloads.restartWireGuard(Payloads.WG_MASTER),
                    quick ? 100 : 500, Map.of("*", a -> true)));
            runWorkload(t, new Workload("warm-up", "warm-up", 1, large.get(1).body(), 2, restored));
        }
        // A first pass of every small workload, not counted: until the JIT has compiled the TLS handshake
        // paths of all three JVMs, whichever target runs first (the backup is shared) looks slower.
        for (Workload w : small) {
            for (Target t : targets) {
                runWorkload(t, new Workload("warm-up", "warm-up", w.concurrency(), w.body(), w.calls() / 2,
                        w.checks()));
            }
        }

        long pid = carpgate.pid();
        Heap before = heapAfterGc(pid);
        // Let the warm-up's after-effects (JIT queues, concurrent GC cycles in all three JVMs) die down.
        Thread.sleep(3000);
        AtomicInteger carpgateSmallCalls = new AtomicInteger();
        List<Result> results = new ArrayList<>();
        for (Workload w : small) {
            results.add(measure(w, targets, pid));
            carpgateSmallCalls.addAndGet(w.calls());
        }
        Heap afterSmall = heapAfterGc(pid);
        // A second, equal round of small calls: heap after GC must not climb with the number of calls.
        if (!quick) {
            for (Workload w : small) {
                runWorkload(targets.get(2), w);
                carpgateSmallCalls.addAndGet(w.calls());
            }
        }
        Heap afterMoreSmall = quick ? afterSmall : heapAfterGc(pid);
        for (Workload w : large) {
            results.add(measure(w, targets, pid));
        }

        // The memory goal: a 64 MiB sync through carpgate running with -Xmx128m.
        Workload huge = new Workload("restore 64 MiB (carpgate -Xmx" + options.xmx() + ")", "memory", 1,
                Payloads.restore(64 * MIB - 4096), quick ? 2 : 4, restored);
        Instant from = Instant.now();
        Stats hugeStats = runWorkload(targets.get(2), huge);
        GcLog.Window hugeGc = GcLog.window(gcPauses(), from, Instant.now());
        Heap afterAll = heapAfterGc(pid);
        long hwmKb = procStatusKb(pid, "VmHWM");
        boolean alive = carpgate.isAlive();

        Map<String, Map<String, Integer>> decisions = decisions();
        ObjectNode report = report(results, huge, hugeStats, hugeGc, before, afterSmall, afterMoreSmall, afterAll,
                carpgateSmallCalls.get(), hwmKb, alive, decisions);
        if (cold != null) {
            report.set("cold", cold);
        }
        String markdown = Markdown.render(report);
        if (burst != null) {
            report.set("burst", burst);
            markdown += "\n" + Markdown.renderBurstSection(burst);
        }
        write(report, markdown);
        boolean clean = report.get("errors").asInt() == 0 && alive;
        return clean ? 0 : 1;
    }

    private Result measure(Workload w, List<Target> targets, long pid) throws Exception {
        Map<String, Stats> stats = new LinkedHashMap<>();
        GcLog.Window gc = null;
        for (Target t : targets) {
            Instant from = Instant.now();
            stats.put(t.name(), runWorkload(t, w));
            if (t.name().equals(CARPGATE)) {
                gc = GcLog.window(gcPauses(), from, Instant.now());
            }
        }
        return new Result(w, stats, gc, procStatusKb(pid, "VmHWM"));
    }

    /** Runs {@code w.calls()} calls with {@code w.concurrency()} callers; every call has a 120 s timeout. */
    private Stats runWorkload(Target target, Workload w) throws Exception {
        Caller caller = new Caller(target.port(), BenchBackup.USER, BenchBackup.PASSWORD);
        long[] nanos = new long[w.calls()];
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        Predicate<String> check = w.check(target.name());
        ExecutorService pool = Executors.newFixedThreadPool(w.concurrency());
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>(w.calls());
            for (int i = 0; i < w.calls(); i++) {
                futures.add(pool.submit(() -> {
                    String error;
                    try {
                        Caller.Answer a = caller.call(w.body());
                        if (a.status() == 200 && check.test(a.text())) {
                            int slot = ok.getAndIncrement();
                            nanos[slot] = a.nanos();
                            return;
                        }
                        error = "HTTP " + a.status() + ", unexpected answer of " + a.body().length + " bytes";
                    } catch (IOException | RuntimeException e) {
                        error = e.toString();
                    }
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, error);
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        long wall = System.nanoTime() - start;
        Stats s = Stats.of(nanos, ok.get(), errors.get(), wall, firstError.get());
        if (!w.group().equals("warm-up") || s.errors() > 0) {
            log(String.format(Locale.ROOT, "%-28s c=%-2d %-8s n=%-5d p50 %8.2f ms  p99 %8.2f ms  %7.1f calls/s%s",
                    w.name(), w.concurrency(), target.name(), s.calls(), s.p50Ms(), s.p99Ms(), s.callsPerSecond(),
                    s.errors() > 0 ? "  ERRORS " + s.errors() + ": " + s.firstError() : ""));
        }
        return s;
    }

    private void check(Target t) throws IOException {
        Caller.Answer a = new Caller(t.port(), BenchBackup.USER, BenchBackup.PASSWORD).call(Payloads.firmwareVersion());
        if (a.status() != 200 || !a.text().contains("<name>firmware</name>")) {
            throw new IllegalStateException(t.name() + " does not answer firmware_version: HTTP " + a.status());
        }
    }

    // ------------------------------------------------------------------------------------------ processes

    /** A simulated backup this run started: where it listens and the pin of its certificate. */
    private record StartedBackup(int port, String pin) {}
    private int carpgatePort;
    private Path nginxDir;

    /**
     * The burst-after-idle workload and the slow-backup restores (issue #20), on a backup of their own that takes as
     * long per call as OPNsense's PHP, run before the other workloads (nothing else is running then).
     */
    private JsonNode burst() throws Exception {
        StartedBackup slow = startBackup(List.of("--opnsense-delays"));
        log("burst-after-idle workload (issue #20): " + options.bursts() + " bursts, " + options.burstIdleSeconds()
                + " s idle before each, against the backup with OPNsense's per-call delays");
        return new BurstAfterIdle(out, slow.port(), slow.pin(), options.nginx(),
                options.jar().getParent().getParent().resolve("bin/carpgate"),
                java.time.Duration.ofSeconds(options.burstIdleSeconds()), options.bursts(), options.restoreSamples(),
                Bench::log).run();
    }

    /**
     * Each backup prints its own port and pin: both are read from its own output (a pin kept from the backup before
     * it pinned the next run's carpgate to a certificate it does not have).
     */
    private StartedBackup startBackup(List<String> args) throws IOException {
        Path javaBin = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(javaBin.toString(), "-Xmx2g", "-cp",
                System.getProperty("java.class.path"), BenchBackup.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(out.resolve(args.isEmpty() ? "backup.log" : "slow-backup.log").toFile());
        Process p = start(pb);
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Integer port = null;
        String backupPin = null;
        for (int i = 0; i < 200 && (port == null || backupPin == null); i++) {
            String line = lines.readLine();
            if (line == null) {
                throw new IllegalStateException("the simulated backup ended before it listened; see backup.log");
            }
            if (line.startsWith("PORT ")) {
                port = Integer.parseInt(line.substring(5).trim());
            } else if (line.startsWith("PIN ")) {
                backupPin = line.substring(4).trim();
            }
        }
        if (port == null || backupPin == null) {
            throw new IllegalStateException("the simulated backup did not print its port and pin");
        }
        Thread drain = new Thread(() -> drain(p.getInputStream()), "backup-stdout");
        drain.setDaemon(true);
        drain.start();
        log("simulated backup on 127.0.0.1:" + port + " (pid " + p.pid() + ")");
        return new StartedBackup(port, backupPin);
    }

    private int startNginx(int backupPort) throws Exception {
        // nginx drops to an unprivileged worker user when started as root: its folder must be reachable.
        Path dir = Files.createTempDirectory("carpgate-bench-nginx",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        nginxDir = dir;
        Path cert = dir.resolve("nginx.crt");
        Path key = dir.resolve("nginx.key");
        PemFiles.writeSelfSigned(cert, key, "nginx.bench", List.of("127.0.0.1"));
        int port = freePort();
        String conf = nginxConf(dir, port, cert, key, backupPort);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Files.copy(confFile, out.resolve("nginx.conf"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ProcessBuilder pb = new ProcessBuilder(options.nginx(), "-p", dir.toString(), "-c", confFile.toString());
        pb.redirectErrorStream(true).redirectOutput(out.resolve("nginx.out").toFile());
        Process p = start(pb);
        awaitPort(port, p, "nginx (see nginx.out and " + dir.resolve("error.log") + ")");
        log("nginx on 127.0.0.1:" + port + " (pid " + p.pid() + ", folder " + dir + ")");
        return port;
    }

    /** nginx as a plain TLS reverse proxy, as an admin would set one up, in {@code dir} (pid, logs, temp files). */
    static String nginxConf(Path dir, int port, Path cert, Path key, int backupPort) {
        return """
                # Generated by the carpgate benchmark: a plain TLS reverse proxy, as an admin would set one up.
                worker_processes auto;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy_temp;
                    server {
                        listen 127.0.0.1:%2$d ssl;
                        ssl_certificate %3$s;
                        ssl_certificate_key %4$s;
                        ssl_protocols TLSv1.2 TLSv1.3;
                        # 64 MiB syncs and more; the body is buffered before it is sent on, as by default.
                        client_max_body_size 96m;
                        location / {
                            proxy_pass https://127.0.0.1:%5$d;
                            proxy_read_timeout 120s;
                            proxy_send_timeout 120s;
                        }
                    }
                }
                """.formatted(dir, port, cert, key, backupPort);
    }

    /** carpgate.yml (pinned backup, VHID map, logs, admin listener) with its credentials and map in {@code dir}. */
    static Path writeCarpgateConfig(Path dir, int port, int backupPort, String pin) throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        for (String log : List.of("access.log", "decisions.jsonl")) {
            Files.deleteIfExists(dir.resolve("logs").resolve(log));
        }
        Files.writeString(dir.resolve("backup-api.txt"), BenchBackup.API_KEY + ":" + BenchBackup.API_SECRET + "\n");
        Files.writeString(dir.resolve("vhid-map.yml"), Payloads.VHID_MAP);
        String yaml = "listen: {host: 127.0.0.1, port: " + port + "}\n"
                + "tls: {cert: certs/carpgate.crt, key: certs/carpgate.key}\n"
                + "backup:\n"
                + "  url: https://127.0.0.1:" + backupPort + "\n"
                + "  pin-sha256: \"" + pin + "\"\n"
                + "  api-credentials: backup-api.txt\n"
                + "vhid-map: vhid-map.yml\n"
                + "on-unknown-carp: suppress\n"
                + "logs: {dir: logs}\n"
                // The admin listener runs as in production (its metrics are part of the cost), on any free port.
                + "admin: {host: 127.0.0.1, port: 0}\n"
                // 16 concurrent callers from one loopback address stand for 16 masters: above the per-client caps.
                + "limits: {max-body: 96MiB, upstream-timeout: 120s, max-connections-per-client: 64, "
                + "max-calls-per-client: 64}\n";
        return Files.writeString(dir.resolve("carpgate.yml"), yaml);
    }

    private Process startCarpgate(int backupPort, String pin) throws Exception {
        Path dir = out.resolve("carpgate");
        carpgatePort = freePort();
        writeCarpgateConfig(dir, carpgatePort, backupPort, pin);
        // gc+cpu gives each pause's user/sys/real time: real far above user+sys is a GC thread waiting for a CPU.
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + options.xmx(),
                "-Xlog:gc,gc+cpu:file=" + out.resolve("carpgate-gc.log") + ":time"));
        if (!options.carpgateOpts().isBlank()) {
            jvm.addAll(List.of(options.carpgateOpts().trim().split("\\s+")));
        }
        if (options.jfr()) {
            jvm.add("-XX:StartFlightRecording=filename=" + out.resolve("carpgate.jfr") + ",settings=profile,dumponexit=true");
        }
        List<String> cmd = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        if (options.launcher().equals("java17")) {
            // As before issue #12: java -jar on the driver's Java 17, no start-up cache, no warm-up.
            cmd.addAll(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+ExitOnOutOfMemoryError"));
            cmd.addAll(jvm);
            cmd.addAll(List.of("-jar", options.jar().toString(), "run", "--no-warm-up"));
        } else {
            // As the systemd unit and the container start it: bin/carpgate (newest Java, start-up cache, warm-up,
            // ExitOnOutOfMemoryError), with the heap instead of the default.
            env.put("CARPGATE_JAVA_OPTS", String.join(" ", jvm));
            cmd.addAll(List.of(options.jar().getParent().getParent().resolve("bin/carpgate").toString(), "run"));
        }
        cmd.addAll(List.of("--config", dir.resolve("carpgate.yml").toString()));
        env.forEach((k, v) -> cmd.add(0, k + "='" + v + "'"));
        Files.writeString(out.resolve("carpgate.cmd"), String.join(" ", cmd) + "\n");
        ProcessBuilder pb = new ProcessBuilder(cmd.subList(env.size(), cmd.size())).directory(dir.toFile());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(out.resolve("carpgate.out").toFile());
        Process p = start(pb);
        awaitPort(carpgatePort, p, "carpgate (see carpgate.out)");
        log("carpgate on 127.0.0.1:" + carpgatePort + " (pid " + p.pid() + ", " + String.join(" ", cmd) + ")");
        return p;
    }

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        children.add(p);
        return p;
    }

    /** Stops the processes this run started, newest first: carpgate, nginx, the backup; removes nginx's folder. */
    private void stopAll() {
        for (int i = children.size() - 1; i >= 0; i--) {
            Process p = children.get(i);
            try {
                if (p.isAlive()) {
                    p.destroy();
                    if (!p.waitFor(20, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        p.waitFor(5, TimeUnit.SECONDS);
                    }
                }
                p.getOutputStream().close();
            } catch (IOException | InterruptedException e) {
                p.destroyForcibly();
            }
        }
        if (nginxDir != null) {
            try {
                if (Files.exists(nginxDir.resolve("error.log"))) {
                    Files.copy(nginxDir.resolve("error.log"), out.resolve("nginx-error.log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                log("could not keep nginx's error log: " + e.getMessage());
            }
            try (var files = Files.walk(nginxDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                log("could not remove " + nginxDir + ": " + e.getMessage());
            }
        }
    }

    private static void awaitPort(int port, Process p, String what) throws Exception {
        awaitPort(port, p, what, java.time.Duration.ofMillis(100));
    }

    /** Until {@code port} takes a connection, polling every {@code poll}; fails when the process exits or 60 s pass. */
    static void awaitPort(int port, Process p, String what, java.time.Duration poll) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(what + " exited with status " + p.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                // Were the port in the ephemeral range (freePort keeps below it), a connect to it while nothing
                // listens could be given that very port as its source and connect to itself (a TCP simultaneous open).
                if (s.getLocalPort() != port) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(poll.toMillis());
        }
        throw new IllegalStateException(what + " did not listen on port " + port + " within 60 s");
    }

    /**
     * A free loopback port below the system's ephemeral range, none of {@code notThese}. A port from that range (what
     * binding port 0 gives) can be handed out again before the process told to listen on it binds it: carpgate's
     * warm-up binds two such ports (its own listener and the stand-in backup) while carpgate starts, and one of them
     * taking the very port makes the start fail and the poll meet the warm-up's listener instead.
     */
    static int freePort(int... notThese) throws IOException {
        int ephemeralLow = ephemeralLow();
        int from = Math.max(10_000, ephemeralLow - 15_000);
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = from + random.nextInt(ephemeralLow - from);
            if (java.util.Arrays.stream(notThese).anyMatch(p -> p == port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IOException("no free loopback port between " + from + " and " + ephemeralLow + " in 200 attempts");
    }

    /**
     * The first port of the ephemeral range (Linux); 32768, its default, where it cannot be read or leaves no room
     * below it.
     */
    private static int ephemeralLow() {
        try {
            // Not Files.readString: it reads as many bytes as the file's size, and /proc says 0.
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > 11_024 ? low : 32_768;
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }

    private static void drain(InputStream in) {
        try (in) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the backup ended
        }
    }

    // ------------------------------------------------------------------------------------------ carpgate's JVM

    private record Heap(long usedKb, long committedKb) {}

    /** Java 17: {@code total 131072K, used 13000K}; Java 25: {@code total reserved 131072K, committed 44000K, used 13000K}. */
    private static final Pattern HEAP_USED = Pattern.compile("total (?:reserved \\d+K, committed )?(\\d+)K, used (\\d+)K");

    /** Heap in use right after a full collection ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    private Heap heapAfterGc(long pid) throws Exception {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            notes.add("jcmd GC.heap_info gave no heap figures");
            return new Heap(-1, -1);
        }
        return new Heap(Long.parseLong(m.group(2)), Long.parseLong(m.group(1)));
    }

    private static String jcmd(long pid, String command) throws Exception {
        // The target JVM's own jcmd when it has one (bin/carpgate may run carpgate on a newer Java than the driver's).
        Path target = Paths.get("/proc", String.valueOf(pid), "exe").toRealPath().getParent().resolve("jcmd");
        Path jcmd = Files.isExecutable(target) ? target : Paths.get(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + command + " did not finish");
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    private static long procStatusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private List<GcLog.Pause> gcPauses() {
        try {
            return GcLog.read(out.resolve("carpgate-gc.log"));
        } catch (IOException e) {
            return noPauses;
        }
    }

    /** method → decision → count, from carpgate's decision log. */
    private Map<String, Map<String, Integer>> decisions() throws IOException, InterruptedException {
        Path file = out.resolve("carpgate").resolve("logs").resolve("decisions.jsonl");
        Map<String, Map<String, Integer>> tally = new TreeMap<>();
        // Written after each answer: let the last lines land.
        Thread.sleep(500);
        if (!Files.exists(file)) {
            return tally;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonNode d = JSON.readTree(line);
                if (!"done".equals(d.path("stage").asText())) {
                    continue; // a forwarded call's line written as it was sent
                }
                String method = d.path("method").asText() + (d.has("id") ? " " + d.path("id").asText() : "");
                tally.computeIfAbsent(method, k -> new TreeMap<>()).merge(d.path("decision").asText(), 1, Integer::sum);
            }
        }
        return tally;
    }

    // ------------------------------------------------------------------------------------------ report

    private ObjectNode report(List<Result> results, Workload huge, Stats hugeStats, GcLog.Window hugeGc, Heap before,
                            Heap afterSmall, Heap afterMoreSmall, Heap afterAll, int carpgateSmallCalls, long hwmKb,
                            boolean alive, Map<String, Map<String, Integer>> decisions) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("date", java.time.LocalDate.now().toString());
        root.put("quick", options.quick());
        root.set("machine", machine());
        root.put("carpgate_command", Files.readString(out.resolve("carpgate.cmd")).trim());
        // bin/carpgate's runs say first which Java and start-up cache they use.
        root.put("carpgate_runtime", Files.readAllLines(out.resolve("carpgate.out")).stream().findFirst()
                .filter(l -> l.startsWith("Java ")).orElse(""));
        int errors = 0;
        ArrayNode rows = root.putArray("workloads");
        for (Result r : results) {
            ObjectNode row = rows.addObject();
            row.put("workload", r.workload().name());
            row.put("group", r.workload().group());
            row.put("concurrency", r.workload().concurrency());
            row.put("body_bytes", r.workload().body().length);
            ObjectNode byTarget = row.putObject("targets");
            for (Map.Entry<String, Stats> e : r.stats().entrySet()) {
                byTarget.set(e.getKey(), JSON.valueToTree(e.getValue()));
                errors += e.getValue().errors();
            }
            Stats d = r.stats().get("direct");
            Stats n = r.stats().get("nginx");
            Stats c = r.stats().get(CARPGATE);
            row.put("carpgate_added_p50_ms", c.p50Ms() - d.p50Ms());
            row.put("carpgate_added_p99_ms", c.p99Ms() - d.p99Ms());
            row.put("nginx_added_p50_ms", n.p50Ms() - d.p50Ms());
            row.put("ratio_p50", c.p50Ms() / n.p50Ms());
            row.put("ratio_p99", c.p99Ms() / n.p99Ms());
            row.put("ratio_calls_per_second", c.callsPerSecond() / n.callsPerSecond());
            row.put("carpgate_gc_pauses", r.carpgateGc().pauses());
            row.put("carpgate_max_gc_pause_ms", r.carpgateGc().maxPauseMs());
            row.put("carpgate_max_gc_pause_kind", r.carpgateGc().maxPauseKind());
            row.put("carpgate_peak_heap_mb", r.carpgateGc().peakHeapMb());
            row.put("carpgate_vmhwm_kb", r.carpgateHwmKb());
        }
        ObjectNode memory = root.putObject("memory");
        memory.put("workload", huge.name());
        memory.put("body_bytes", huge.body().length);
        memory.set("stats", JSON.valueToTree(hugeStats));
        errors += hugeStats.errors();
        memory.put("max_gc_pause_ms", hugeGc.maxPauseMs());
        memory.put("max_gc_pause_kind", hugeGc.maxPauseKind());
        memory.put("peak_heap_mb", hugeGc.peakHeapMb());
        memory.put("carpgate_alive_at_end", alive);
        memory.put("vmhwm_kb", hwmKb);
        memory.put("heap_after_gc_kb_before_small_calls", before.usedKb());
        memory.put("heap_after_gc_kb_after_small_calls", afterSmall.usedKb());
        memory.put("heap_after_gc_kb_after_more_small_calls", afterMoreSmall.usedKb());
        memory.put("heap_after_gc_kb_at_end", afterAll.usedKb());
        memory.put("small_calls_through_carpgate", carpgateSmallCalls);
        List<GcLog.Pause> all = gcPauses();
        memory.put("gc_pauses_whole_run", all.size());
        memory.put("max_gc_pause_ms_whole_run", all.stream().mapToDouble(GcLog.Pause::ms).max().orElse(0));
        memory.put("peak_heap_mb_whole_run", all.stream().mapToLong(GcLog.Pause::beforeMb).max().orElse(0));
        root.set("decisions", JSON.valueToTree(decisions));
        root.put("errors", errors);
        ArrayNode n = root.putArray("notes");
        notes.forEach(n::add);
        return root;
    }

    private ObjectNode machine() {
        ObjectNode m = JSON.createObjectNode();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        m.put("cpu", firstMatch(Paths.get("/proc/cpuinfo"), "model name").orElse("unknown"));
        m.put("memory", firstMatch(Paths.get("/proc/meminfo"), "MemTotal").orElse("unknown"));
        m.put("os", firstMatch(Paths.get("/etc/os-release"), "PRETTY_NAME").map(s -> s.replace("\"", ""))
                .orElse(System.getProperty("os.name")));
        m.put("kernel", System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("nginx", nginxVersion());
        m.put("load", loadAtStart);
        return m;
    }

    private String nginxVersion() {
        try {
            Process p = new ProcessBuilder(options.nginx(), "-v").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return v.replace("nginx version: ", "");
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static Optional<String> firstMatch(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(l.contains(":") && !l.contains("=") ? ':' : '=') + 1).trim())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void log(String message) {
        System.out.println("[bench] " + message);
        System.out.flush();
    }

    /** results.json and results.md into the output folder, and the Markdown on the console. */
    private void write(ObjectNode report, String markdown) throws IOException {
        String text = inCheckout(markdown);
        Files.writeString(out.resolve("results.json"), JSON.writeValueAsString(report));
        Files.writeString(out.resolve("results.md"), text);
        System.out.println();
        System.out.println(text);
        log("results written to " + out.resolve("results.md") + " and results.json");
    }

    /** The report names files relative to the checkout, so it reads the same on any machine it is pasted from. */
    static String inCheckout(String markdown) {
        return markdown.replace(Paths.get("").toAbsolutePath() + "/", "");
    }
}
