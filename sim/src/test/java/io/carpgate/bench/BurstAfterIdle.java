package io.carpgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carpgate.tls.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Issue #20's workload: a master's <em>Synchronize and reconfigure all</em> after carpgate has sat idle, against a
 * backup that takes as long per call as OPNsense's PHP ({@code BenchBackup --opnsense-delays}).
 *
 * <p>One carpgate as shipped ({@code bin/carpgate run}: start-up cache, warm-up) and one nginx, started together.
 * Once carpgate's warm-up has finished, each burst waits {@code idle} and then sends the sequence to both, one
 * target after the other (which goes first alternates), curl per call and a new TLS connection per call, as the
 * master's PHP makes them. curl gives the client's phases (TLS handshake, first byte, total); carpgate's own phases
 * come from its flight recording of two events only ({@code io.carpgate.ExchangePhases}, {@code io.carpgate.CarpWait})
 * plus JIT compilations, so where each call's time went on carpgate's side is seen call by call. Then restores of
 * 10 KB, 20 MB and 50 MiB against the same slow backup, the two targets taking turns.
 */
final class BurstAfterIdle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CARPGATE = "carpgate";
    private static final String NGINX = "nginx";
    private static final int MIB = 1024 * 1024;

    /** One call of the sequence: a name for the report and its body (a curl master of its own). */
    private record Step(String name, CurlMaster master) {}

    /** One call as both sides saw it: curl's timings and, for carpgate, its own phases (ms, -1: none). */
    private record Measured(int burst, String target, String step, CurlMaster.Call call) {}

    private final Path out;
    private final int backupPort;
    private final String nginx;
    private final Path wrapper;
    private final Duration idle;
    private final int bursts;
    private final int restoreSamples;
    private final Consumer<String> log;
    private final Path carpgateDir;
    private final Path nginxDir;
    private final int carpgatePort;
    private final int nginxPort;
    private final Path config;

    BurstAfterIdle(Path out, int slowBackupPort, String pin, String nginx, Path wrapper, Duration idle, int bursts,
                   int restoreSamples, Consumer<String> log) throws Exception {
        this.out = out.resolve("burst");
        this.backupPort = slowBackupPort;
        this.nginx = nginx;
        this.wrapper = wrapper;
        this.idle = idle;
        this.bursts = bursts;
        this.restoreSamples = restoreSamples;
        this.log = log;
        this.carpgateDir = this.out.resolve("carpgate");
        this.nginxDir = this.out.resolve("nginx");
        this.carpgatePort = Bench.freePort();
        this.nginxPort = Bench.freePort(carpgatePort);
        this.config = Bench.writeCarpgateConfig(carpgateDir, carpgatePort, backupPort, pin);
        Files.createDirectories(nginxDir);
        Path cert = nginxDir.resolve("nginx.crt");
        Path key = nginxDir.resolve("nginx.key");
        PemFiles.writeSelfSigned(cert, key, "nginx.bench", List.of("127.0.0.1"));
        Files.writeString(nginxDir.resolve("nginx.conf"), Bench.nginxConf(nginxDir, nginxPort, cert, key, backupPort));
    }

    /** The sequence of the HA status page's "Synchronize and reconfigure all" (docs/PROTOCOL.md), ~10 KB restore. */
    private List<Step> sequence() throws IOException {
        Map<String, byte[]> calls = new LinkedHashMap<>();
        calls.put("firmware_version", Payloads.firmwareVersion());
        calls.put("restore_config_section", Payloads.restore(10 * 1000, 4));
        calls.put("filter_configure", Payloads.plain("opnsense.filter_configure"));
        calls.put("configd_reload_all_templates", Payloads.plain("opnsense.configd_reload_all_templates"));
        calls.put("list_services", Payloads.plain("opnsense.list_services"));
        calls.put("restart_service unbound", Payloads.restartService("unbound", ""));
        calls.put("restart_service wg0 (MASTER)", Payloads.restartWireGuard(Payloads.WG_MASTER));
        calls.put("restart_service wg1 (BACKUP)", Payloads.restartWireGuard(Payloads.WG_BACKUP));
        calls.put("restart_service wg2 (MASTER)", Payloads.restartWireGuard(Payloads.WG_SITE_B));
        calls.put("restart_service wg3 (MASTER)", Payloads.restartWireGuard(Payloads.WG_SITE_C));
        List<Step> steps = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, byte[]> e : calls.entrySet()) {
            steps.add(new Step(e.getKey(), new CurlMaster(out.resolve("master").resolve("call" + i++), e.getValue())));
        }
        return steps;
    }

    ObjectNode run() throws Exception {
        Files.createDirectories(out);
        Path jfc = Files.writeString(out.resolve("phases.jfc"), PHASES_JFC);
        Path jfr = out.resolve("carpgate.jfr");
        Files.deleteIfExists(jfr);
        List<Step> steps = sequence();
        // As shipped, with the benchmark's heap. The recording of carpgate's phase events starts once it listens
        // (jcmd JFR.start): a recording started with the JVM makes it refuse its start-up cache.
        Map<String, String> env = Map.of("CARPGATE_JAVA_OPTS", "-Xmx128m -Xms16m");
        List<String> command = List.of(wrapper.toString(), "run", "--config", config.toString());
        Files.writeString(out.resolve("carpgate.cmd"), "CARPGATE_JAVA_OPTS='" + env.get("CARPGATE_JAVA_OPTS") + "' "
                + String.join(" ", command) + "\n");
        Path console = out.resolve("carpgate.out");
        long began = System.nanoTime();
        Process carpgate = start(command, env, carpgateDir, console);
        Process ngx = start(List.of(nginx, "-p", nginxDir.toString(), "-c", nginxDir.resolve("nginx.conf").toString()),
                Map.of(), nginxDir, out.resolve("nginx.out"));
        List<Measured> calls = new ArrayList<>();
        List<ObjectNode> restores = new ArrayList<>();
        Path jfrTool;
        Path jcmd;
        double listenMs;
        String warmup;
        try {
            Bench.awaitPort(carpgatePort, carpgate, "carpgate (see " + console + ")", Duration.ofMillis(2));
            listenMs = (System.nanoTime() - began) / 1e6;
            Bench.awaitPort(nginxPort, ngx, "nginx", Duration.ofMillis(10));
            Path bin = Paths.get("/proc", String.valueOf(carpgate.pid()), "exe").toRealPath().getParent();
            jfrTool = bin.resolve("jfr");
            jcmd = bin.resolve("jcmd");
            jcmd(jcmd, carpgate.pid(), "JFR.start", "name=phases", "settings=" + jfc);
            warmup = awaitWarmup(console, carpgate);
            log("burst: carpgate listening after " + Math.round(listenMs) + " ms; " + warmup);
            for (int b = 1; b <= bursts; b++) {
                log("burst " + b + "/" + bursts + ": idle " + idle.toSeconds() + " s");
                Thread.sleep(idle.toMillis());
                List<String> order = b % 2 == 1 ? List.of(CARPGATE, NGINX) : List.of(NGINX, CARPGATE);
                for (String target : order) {
                    double total = 0;
                    for (Step step : steps) {
                        CurlMaster.Call call = check(step.master().call(port(target)), target, step.name());
                        calls.add(new Measured(b, target, step.name(), call));
                        total += call.totalMs();
                    }
                    log(String.format(Locale.ROOT, "burst %d %-8s %7.1f ms (first call %6.1f ms)", b, target, total,
                            calls.get(calls.size() - steps.size()).call().totalMs()));
                }
            }
            restores = slowRestores();
            jcmd(jcmd, carpgate.pid(), "JFR.dump", "name=phases", "filename=" + jfr);
        } finally {
            stop(ngx);
            stop(carpgate);
        }
        Phases phases = Phases.read(jfrTool, jfr, out.resolve("phases.json"));
        return report(steps, calls, phases, listenMs, warmup, restores);
    }

    /** The 10 KB, 20 MB and 50 MiB restores against the slow backup: carpgate and nginx in turns. */
    private List<ObjectNode> slowRestores() throws Exception {
        List<ObjectNode> rows = new ArrayList<>();
        int[][] sizes = {{10 * 1000, 4}, {20 * 1000 * 1000, 200}, {50 * MIB, 200}};
        String[] names = {"restore 10 KB", "restore 20 MB", "restore 50 MiB"};
        for (int s = 0; s < sizes.length; s++) {
            CurlMaster master = new CurlMaster(out.resolve("master").resolve("restore" + s),
                    Payloads.restore(sizes[s][0], sizes[s][1]));
            Map<String, List<CurlMaster.Call>> byTarget = new LinkedHashMap<>();
            byTarget.put(NGINX, new ArrayList<>());
            byTarget.put(CARPGATE, new ArrayList<>());
            for (int i = 0; i < restoreSamples; i++) {
                for (String target : i % 2 == 0 ? List.of(CARPGATE, NGINX) : List.of(NGINX, CARPGATE)) {
                    byTarget.get(target).add(check(master.call(port(target)), target, names[s]));
                }
            }
            ObjectNode row = JSON.createObjectNode();
            row.put("workload", names[s]);
            row.put("samples", restoreSamples);
            row.put("body_bytes", Files.size(out.resolve("master").resolve("restore" + s).resolve("request.xml")));
            for (String target : byTarget.keySet()) {
                List<Double> totals = byTarget.get(target).stream().map(CurlMaster.Call::totalMs).toList();
                row.put(target + "_ms_median", ColdStart.median(totals));
                // Every sample in the order taken: a backup (or a proxy) still warming shows as a trend here.
                totals.forEach(row.putArray(target + "_ms_samples")::add);
            }
            row.put("ratio", row.get(CARPGATE + "_ms_median").asDouble() / row.get(NGINX + "_ms_median").asDouble());
            log(String.format(Locale.ROOT, "%-16s nginx %8.1f ms  carpgate %8.1f ms  (%.2fx, medians of %d)", names[s],
                    row.get("nginx_ms_median").asDouble(), row.get("carpgate_ms_median").asDouble(),
                    row.get("ratio").asDouble(), restoreSamples));
            rows.add(row);
        }
        return rows;
    }

    private ObjectNode report(List<Step> steps, List<Measured> calls, Phases phases, double listenMs, String warmup,
                              List<ObjectNode> restores) {
        ObjectNode root = JSON.createObjectNode();
        root.put("idle_s", idle.toSeconds());
        root.put("bursts", bursts);
        root.put("calls_per_burst", steps.size());
        root.put("listen_ms", listenMs);
        root.put("warm_up", warmup);
        root.put("backup", "BenchBackup --opnsense-delays");
        ArrayNode perBurst = root.putArray("per_burst");
        List<Double> ratios = new ArrayList<>();
        List<Double> firstRatios = new ArrayList<>();
        for (int b = 1; b <= bursts; b++) {
            ObjectNode row = perBurst.addObject();
            row.put("burst", b);
            row.put("first", b % 2 == 1 ? CARPGATE : NGINX);
            for (String target : List.of(NGINX, CARPGATE)) {
                int burst = b;
                List<Measured> mine = calls.stream().filter(m -> m.burst() == burst && m.target().equals(target)).toList();
                row.put(target + "_ms", mine.stream().mapToDouble(m -> m.call().totalMs()).sum());
                row.put(target + "_first_ms", mine.get(0).call().totalMs());
            }
            row.put("ratio", row.get("carpgate_ms").asDouble() / row.get("nginx_ms").asDouble());
            row.put("first_ratio", row.get("carpgate_first_ms").asDouble() / row.get("nginx_first_ms").asDouble());
            ratios.add(row.get("ratio").asDouble());
            firstRatios.add(row.get("first_ratio").asDouble());
        }
        root.put("burst_ratio_median", ColdStart.median(ratios));
        root.put("first_call_ratio_median", ColdStart.median(firstRatios));
        ArrayNode perCall = root.putArray("per_call");
        for (Step step : steps) {
            ObjectNode row = perCall.addObject();
            row.put("call", step.name());
            for (String target : List.of(NGINX, CARPGATE)) {
                List<CurlMaster.Call> mine = calls.stream()
                        .filter(m -> m.step().equals(step.name()) && m.target().equals(target)).map(Measured::call).toList();
                row.put(target + "_ms_median", ColdStart.median(mine.stream().map(CurlMaster.Call::totalMs).toList()));
                row.put(target + "_tls_ms_median", ColdStart.median(mine.stream().map(CurlMaster.Call::tlsMs).toList()));
            }
            row.put("ratio", row.get("carpgate_ms_median").asDouble() / row.get("nginx_ms_median").asDouble());
            // carpgate's own phases of this call, median over the bursts.
            List<Phases.Call> seen = calls.stream().filter(m -> m.step().equals(step.name())
                    && m.target().equals(CARPGATE)).map(m -> phases.during(m.call().began(), m.call().ended())).toList();
            ObjectNode ph = row.putObject("carpgate_phases_ms_median");
            for (String phase : Phases.NAMES) {
                ph.put(phase, ColdStart.median(seen.stream().map(c -> c.ms(phase)).filter(v -> v >= 0).toList()));
            }
            ph.put("compilations", ColdStart.median(seen.stream().map(c -> (double) c.compilations()).toList()));
        }
        // The first call of each burst, phase by phase: what a burst after idle pays that a warm call does not.
        ArrayNode firsts = root.putArray("first_calls");
        calls.stream().filter(m -> m.target().equals(CARPGATE) && m.step().equals(steps.get(0).name())).forEach(m -> {
            ObjectNode row = firsts.addObject();
            row.put("burst", m.burst());
            row.put("total_ms", m.call().totalMs());
            row.put("tls_ms", m.call().tlsMs());
            Phases.Call c = phases.during(m.call().began(), m.call().ended());
            for (String phase : Phases.NAMES) {
                row.put(phase, c.ms(phase));
            }
            row.put("compilations", c.compilations());
        });
        ArrayNode rows = root.putArray("slow_backup_restores");
        restores.forEach(rows::add);
        return root;
    }

    /** One jcmd command to carpgate's JVM (its own JDK's jcmd); fails when it does. */
    private static void jcmd(Path jcmd, long pid, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0 || output.contains("Could not")) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
        }
    }

    private int port(String target) {
        return target.equals(CARPGATE) ? carpgatePort : nginxPort;
    }

    /** Until bin/carpgate's console says the warm-up is over (at most two minutes); its line. */
    private static String awaitWarmup(Path console, Process carpgate) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            if (!carpgate.isAlive()) {
                throw new IllegalStateException("carpgate exited; see " + console);
            }
            for (String line : Files.readAllLines(console, StandardCharsets.UTF_8)) {
                if (line.startsWith("warm-up: ")) {
                    return line;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("carpgate's warm-up did not finish within 2 minutes; see " + console);
    }

    private static CurlMaster.Call check(CurlMaster.Call call, String target, String step) {
        if (call.status() != 200 || !call.answer().contains("<methodResponse>") || call.answer().contains("faultCode")) {
            throw new IllegalStateException(target + " answered " + step + " with HTTP " + call.status() + ": "
                    + call.answer().substring(0, Math.min(300, call.answer().length())));
        }
        return call;
    }

    private static Process start(List<String> command, Map<String, String> env, Path dir, Path console)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void log(String message) {
        log.accept(message);
    }

    /** carpgate's two events, and the JIT's compilations (a method compiled during a call ran cold until then). */
    private static final String PHASES_JFC = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration version="2.0" label="carpgate phases" description="the burst benchmark's events only">
              <event name="io.carpgate.ExchangePhases"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
              <event name="io.carpgate.CarpWait"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
              <event name="jdk.Compilation"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
            </configuration>
            """;

    /** The recording's events, read with the JDK's own {@code jfr print --json} (the same Java carpgate ran on). */
    static final class Phases {
        static final List<String> NAMES = List.of("read", "decide", "carp_wait", "upstream_connect", "send",
                "at_backup", "answer", "carpgate_total");
        private static final Map<String, String> FIELDS = Map.of("read", "readNanos", "decide", "decideNanos",
                "upstream_connect", "connectNanos", "send", "sendNanos", "at_backup", "backupNanos",
                "answer", "answerNanos", "carpgate_total", "totalNanos");

        private record Event(String type, Instant start, Instant end, JsonNode values) {}

        /** What carpgate recorded while one curl call ran. */
        record Call(Map<String, Double> ms, int compilations) {
            double ms(String phase) {
                return ms.getOrDefault(phase, -1.0);
            }
        }

        private final List<Event> events;

        private Phases(List<Event> events) {
            this.events = events;
        }

        static Phases read(Path jfrTool, Path recording, Path json) throws Exception {
            if (!Files.exists(recording)) {
                return new Phases(List.of());
            }
            Process p = new ProcessBuilder(jfrTool.toString(), "print", "--json", "--events",
                    "io.carpgate.ExchangePhases,io.carpgate.CarpWait,jdk.Compilation", recording.toString())
                    .redirectErrorStream(false).redirectOutput(json.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("jfr print failed on " + recording);
            }
            List<Event> events = new ArrayList<>();
            for (JsonNode e : JSON.readTree(json.toFile()).path("recording").path("events")) {
                JsonNode v = e.path("values");
                Instant start = Instant.parse(v.path("startTime").asText());
                Duration d = Duration.parse(v.path("duration").asText("PT0S"));
                events.add(new Event(e.path("type").asText(), start, start.plus(d), v));
            }
            return new Phases(events);
        }

        /** carpgate's exchange (not the warm-up's) that began in [from, to], its CARP waits and compilations then. */
        Call during(Instant from, Instant to) {
            Map<String, Double> ms = new LinkedHashMap<>();
            double carp = 0;
            int compilations = 0;
            for (Event e : events) {
                boolean inside = !e.start().isBefore(from) && !e.start().isAfter(to);
                switch (e.type()) {
                    case "io.carpgate.ExchangePhases" -> {
                        // Committed when the exchange ends, which may be just after curl has its answer (a restore's
                        // memory is written then): matched by when it began, its end less its length.
                        Instant began = e.start().minusNanos(Math.max(0, (long) (nanos(e.values().path("totalNanos")) * 1e6)));
                        if (!began.isBefore(from) && !began.isAfter(to) && !e.values().path("pair").asText().startsWith("(")) {
                            FIELDS.forEach((name, field) -> ms.put(name, nanos(e.values().path(field))));
                        }
                    }
                    case "io.carpgate.CarpWait" -> carp += inside ? Duration.between(e.start(), e.end()).toNanos() / 1e6 : 0;
                    case "jdk.Compilation" -> compilations += inside ? 1 : 0;
                    default -> { }
                }
            }
            ms.put("carp_wait", carp);
            return new Call(ms, compilations);
        }

        /** jfr prints a timespan as an ISO duration ("PT0.0042S"), -1 ns as a negative one. */
        private static double nanos(JsonNode value) {
            if (value.isNumber()) {
                return value.asLong() < 0 ? -1 : value.asLong() / 1e6;
            }
            String text = value.asText("");
            if (text.isEmpty()) {
                return -1;
            }
            Duration d = Duration.parse(text);
            return d.isNegative() ? -1 : d.toNanos() / 1e6;
        }
    }
}
