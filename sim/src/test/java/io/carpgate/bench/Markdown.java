package io.carpgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The human-readable report of a run: workloads, goals of issue #5 met or missed, and the facts behind them. */
final class Markdown {
    /** Heap after a full GC may differ by this much between two points without counting as growth. */
    static final long HEAP_GROWTH_TOLERANCE_KB = 2 * 1024;

    private Markdown() {}

    static String render(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        JsonNode m = r.get("machine");
        sb.append("Run of ").append(r.get("date").asText()).append(r.get("quick").asBoolean() ? " (`--quick`)" : "")
                .append(": ").append(m.get("nproc").asInt()).append(" CPUs (").append(m.get("cpu").asText())
                .append("), ").append(m.get("memory").asText()).append(" RAM, ").append(m.get("os").asText())
                .append(", kernel ").append(m.get("kernel").asText()).append(", ").append(m.get("jdk").asText())
                .append(", nginx ").append(m.get("nginx").asText())
                .append(m.has("load") ? ", load average at start " + m.get("load").asText() : "").append(".\n\n");

        sb.append("Latency in ms (p50 / p99), one new TLS connection per call. `+ms` is carpgate's p50 over direct; "
                + "`c/n` is carpgate ÷ nginx.\n\n");
        sb.append("| workload | conc. | calls | direct | nginx | carpgate | calls/s direct / nginx / carpgate | carpgate +ms | c/n p50 | c/n p99 | carpgate max GC pause |\n");
        sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (JsonNode w : r.get("workloads")) {
            JsonNode t = w.get("targets");
            sb.append("| ").append(w.get("workload").asText()).append(" | ").append(w.get("concurrency").asInt())
                    .append(" | ").append(t.get("carpgate").get("calls").asInt())
                    .append(" | ").append(lat(t.get("direct"))).append(" | ").append(lat(t.get("nginx")))
                    .append(" | ").append(lat(t.get("carpgate")))
                    .append(" | ").append(f0(t.get("direct").get("callsPerSecond").asDouble())).append(" / ")
                    .append(f0(t.get("nginx").get("callsPerSecond").asDouble())).append(" / ")
                    .append(f0(t.get("carpgate").get("callsPerSecond").asDouble()))
                    .append(" | ").append(signed(w.get("carpgate_added_p50_ms").asDouble()))
                    .append(" | ").append(f2(w.get("ratio_p50").asDouble())).append("×")
                    .append(" | ").append(f2(w.get("ratio_p99").asDouble())).append("×")
                    .append(" | ").append(f1(w.get("carpgate_max_gc_pause_ms").asDouble())).append(" ms")
                    .append(" |\n");
        }

        JsonNode mem = r.get("memory");
        JsonNode hs = mem.get("stats");
        sb.append("\ncarpgate's JVM: `").append(r.get("carpgate_command").asText()).append("`")
                .append(r.path("carpgate_runtime").asText().isEmpty() ? "" : " (" + r.get("carpgate_runtime").asText() + ")")
                .append("\n\n");
        sb.append("| carpgate memory | value |\n|---|--:|\n");
        sb.append("| ").append(mem.get("workload").asText()).append(": calls ok / failed, p50 | ")
                .append(hs.get("calls").asInt()).append(" / ").append(hs.get("errors").asInt()).append(", ")
                .append(f1(hs.get("p50Ms").asDouble())).append(" ms |\n");
        sb.append("| peak heap (before a GC), whole run | ").append(mem.get("peak_heap_mb_whole_run").asLong()).append(" MiB |\n");
        sb.append("| peak heap during the 64 MiB syncs | ").append(mem.get("peak_heap_mb").asLong()).append(" MiB |\n");
        sb.append("| peak RSS (VmHWM), whole run | ").append(mem.get("vmhwm_kb").asLong() / 1024).append(" MiB |\n");
        sb.append("| longest GC pause, whole run | ").append(f1(mem.get("max_gc_pause_ms_whole_run").asDouble()))
                .append(" ms (").append(mem.get("gc_pauses_whole_run").asInt()).append(" pauses) |\n");
        sb.append("| heap after full GC: after warm-up / after the small calls / after as many again / at the end | ")
                .append(mib(mem.get("heap_after_gc_kb_before_small_calls"))).append(" / ")
                .append(mib(mem.get("heap_after_gc_kb_after_small_calls"))).append(" / ")
                .append(mib(mem.get("heap_after_gc_kb_after_more_small_calls"))).append(" / ")
                .append(mib(mem.get("heap_after_gc_kb_at_end"))).append(" MiB |\n");
        sb.append("| small calls through carpgate for that | ").append(mem.get("small_calls_through_carpgate").asInt()).append(" |\n");

        sb.append("\n| goal (issue #5) | measured | |\n|---|---|---|\n");
        for (String[] g : goals(r)) {
            sb.append("| ").append(g[0]).append(" | ").append(g[1]).append(" | ").append(g[2]).append(" |\n");
        }

        sb.append("\ncarpgate's decisions in this run (decision log):\n\n| method (id) | decisions |\n|---|---|\n");
        r.get("decisions").properties().forEach(e -> sb.append("| ").append(e.getKey()).append(" | ")
                .append(e.getValue().toString().replace("\"", "").replace(",", ", ")).append(" |\n"));
        if (r.get("errors").asInt() > 0) {
            sb.append("\n**").append(r.get("errors").asInt()).append(" calls failed**: see the log above.\n");
        }
        for (JsonNode n : r.get("notes")) {
            sb.append("\nNote: ").append(n.asText()).append('\n');
        }
        if (r.has("cold")) {
            sb.append('\n').append(cold(r.get("cold")));
        }
        return sb.toString();
    }

    /** A run of the cold workload alone ({@code bench/run --cold}). */
    static String renderCold(JsonNode r) {
        JsonNode m = r.get("machine");
        return "Run of " + r.get("date").asText() + " (`--cold`): " + m.get("nproc").asInt() + " CPUs ("
                + m.get("cpu").asText() + "), " + m.get("memory").asText() + " RAM, " + m.get("os").asText() + ", kernel "
                + m.get("kernel").asText() + ", driver on " + m.get("jdk").asText() + ", nginx " + m.get("nginx").asText()
                + (m.has("load") ? ", load average at start " + m.get("load").asText() : "") + ".\n\n"
                + cold(r.get("cold"));
    }

    /** A run of the burst-after-idle workload alone ({@code bench/run --burst}). */
    static String renderBurst(JsonNode r) {
        JsonNode m = r.get("machine");
        return "Run of " + r.get("date").asText() + " (`--burst`): " + m.get("nproc").asInt() + " CPUs ("
                + m.get("cpu").asText() + "), " + m.get("memory").asText() + " RAM, " + m.get("os").asText()
                + ", nginx " + m.get("nginx").asText()
                + (m.has("load") ? ", load average at start " + m.get("load").asText() : "") + ".\n\n"
                + renderBurstSection(r.get("burst"));
    }

    /** Issue #20: bursts after idle, per burst and per call with carpgate's phases, and restores against a slow backup. */
    static String renderBurstSection(JsonNode b) {
        StringBuilder sb = new StringBuilder();
        sb.append("Burst after idle (issue #20): carpgate as shipped listened after ").append(f0(b.get("listen_ms").asDouble()))
                .append(" ms; after its warm-up (`").append(b.get("warm_up").asText()).append("`), ")
                .append(b.get("bursts").asInt()).append(" bursts of ").append(b.get("calls_per_burst").asInt())
                .append(" calls (Synchronize and reconfigure all), each after ").append(b.get("idle_s").asInt())
                .append(" s idle, against ").append(b.get("backup").asText())
                .append("; carpgate and nginx in turns (who goes first alternates). Times in ms (curl's).\n\n");
        sb.append("| burst | first | nginx | carpgate | c/n | nginx first call | carpgate first call | c/n |\n");
        sb.append("|--:|---|--:|--:|--:|--:|--:|--:|\n");
        for (JsonNode r : b.get("per_burst")) {
            sb.append("| ").append(r.get("burst").asInt()).append(" | ").append(r.get("first").asText())
                    .append(" | ").append(f1(r.get("nginx_ms").asDouble())).append(" | ").append(f1(r.get("carpgate_ms").asDouble()))
                    .append(" | ").append(f2(r.get("ratio").asDouble())).append("×")
                    .append(" | ").append(f1(r.get("nginx_first_ms").asDouble()))
                    .append(" | ").append(f1(r.get("carpgate_first_ms").asDouble()))
                    .append(" | ").append(f2(r.get("first_ratio").asDouble())).append("× |\n");
        }
        sb.append("\nMedian ratios: burst ").append(f2(b.get("burst_ratio_median").asDouble())).append("× (goal ≤ 1.3×), "
                + "first call ").append(f2(b.get("first_call_ratio_median").asDouble())).append("× (goal ≤ 2×).\n\n");
        sb.append("Per call, medians over the bursts; carpgate's phases from its flight recording (`read`: the body, "
                + "`decide`: reading and deciding, `carp`: of which waiting for the CARP reading, `connect`: an upstream "
                + "connection (pooled, or a new TCP connect), `send`: the request going out (a new connection's TLS "
                + "handshake included), `backup`: sent whole to the answer's head, `answer`: "
                + "streaming it back; `jit`: methods compiled during the call).\n\n");
        sb.append("| call | nginx | carpgate | c/n | TLS n / c | read | decide | carp | connect | send | backup | answer | jit |\n");
        sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (JsonNode r : b.get("per_call")) {
            JsonNode p = r.get("carpgate_phases_ms_median");
            sb.append("| ").append(r.get("call").asText()).append(" | ").append(f1(r.get("nginx_ms_median").asDouble()))
                    .append(" | ").append(f1(r.get("carpgate_ms_median").asDouble()))
                    .append(" | ").append(f2(r.get("ratio").asDouble())).append("×")
                    .append(" | ").append(f1(r.get("nginx_tls_ms_median").asDouble())).append(" / ")
                    .append(f1(r.get("carpgate_tls_ms_median").asDouble()));
            for (String phase : List.of("read", "decide", "carp_wait", "upstream_connect", "send", "at_backup", "answer")) {
                sb.append(" | ").append(f1(p.path(phase).asDouble(Double.NaN)));
            }
            sb.append(" | ").append(f0(p.path("compilations").asDouble())).append(" |\n");
        }
        sb.append("\nThe first call of each burst, carpgate's phases:\n\n");
        sb.append("| burst | total | TLS | read | decide | carp | connect | send | backup | answer | jit |\n");
        sb.append("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (JsonNode r : b.get("first_calls")) {
            sb.append("| ").append(r.get("burst").asInt()).append(" | ").append(f1(r.get("total_ms").asDouble()))
                    .append(" | ").append(f1(r.get("tls_ms").asDouble()));
            for (String phase : List.of("read", "decide", "carp_wait", "upstream_connect", "send", "at_backup", "answer")) {
                sb.append(" | ").append(f1(r.path(phase).asDouble(Double.NaN)));
            }
            sb.append(" | ").append(r.get("compilations").asInt()).append(" |\n");
        }
        sb.append("\nRestores against the same backup (medians; carpgate and nginx in turns):\n\n");
        sb.append("| restore | bytes | samples | nginx | carpgate | c/n |\n|---|--:|--:|--:|--:|--:|\n");
        for (JsonNode r : b.get("slow_backup_restores")) {
            sb.append("| ").append(r.get("workload").asText()).append(" | ").append(r.get("body_bytes").asLong())
                    .append(" | ").append(r.get("samples").asInt())
                    .append(" | ").append(f1(r.get("nginx_ms_median").asDouble()))
                    .append(" | ").append(f1(r.get("carpgate_ms_median").asDouble()))
                    .append(" | ").append(f2(r.get("ratio").asDouble())).append("× |\n");
        }
        return sb.toString();
    }

    /** Issue #12: start to listening, the first call and calls 2-10 of new processes, and warm. */
    static String cold(JsonNode c) {
        StringBuilder sb = new StringBuilder();
        sb.append("Cold start (issue #12): ").append(c.get("samples").asInt()).append(" new processes per row, taking "
                + "turns; each: start to listening, then ").append(c.get("calls_per_sample").asInt())
                .append(" calls right away, one after another, each a new TLS connection from curl, a ").append(c.get("body_bytes").asInt())
                .append("-byte restore that carpgate rewrites. Times in ms, medians over the processes (max in brackets); "
                        + "calls 2-10 pooled. `c/n` is calls 2-10 ÷ nginx's.\n\n");
        sb.append("| what | start → listening | first call | its TLS handshake | calls 2-10 | their TLS handshakes | c/n |\n");
        sb.append("|---|--:|--:|--:|--:|--:|--:|\n");
        for (JsonNode v : c.get("variants")) {
            sb.append("| ").append(v.get("label").asText())
                    .append(v.get("runtime").asText().isEmpty() ? "" : " <br>(" + v.get("runtime").asText() + ")")
                    .append(" | ").append(f0(v.get("listen_ms_p50").asDouble())).append(" (").append(f0(v.get("listen_ms_max").asDouble()))
                    .append(") | ").append(f1(v.get("first_ms_p50").asDouble())).append(" (").append(f0(v.get("first_ms_max").asDouble()))
                    .append(") | ").append(f1(v.get("first_tls_ms_p50").asDouble()))
                    .append(" | ").append(f1(v.get("rest_ms_median").asDouble()))
                    .append(" | ").append(f1(v.get("rest_tls_ms_median").asDouble()))
                    .append(" | ").append(f2(v.get("rest_ratio_to_nginx").asDouble())).append("×").append(" |\n");
        }
        JsonNode w = c.get("warm");
        sb.append("\nWarm, after ").append(w.get("calls_before").asInt()).append(" calls: carpgate (")
                .append(w.path("variant").asText("shipped").equals("try") ? "with the tried options" : "as shipped").append(") ")
                .append(f2(w.get("carpgate_ms_median").asDouble())).append(" ms, nginx ")
                .append(f2(w.get("nginx_ms_median").asDouble())).append(" ms (medians of ")
                .append(w.get("calls_measured").asInt()).append(" calls each, in turns): ")
                .append(f2(w.get("ratio").asDouble())).append("×.\n");
        sb.append("\n| goal (issue #12) | measured | |\n|---|---|---|\n");
        for (String[] g : coldGoals(c)) {
            sb.append("| ").append(g[0]).append(" | ").append(g[1]).append(" | ").append(g[2]).append(" |\n");
        }
        return sb.toString();
    }

    static List<String[]> coldGoals(JsonNode c) {
        JsonNode shipped = null;
        boolean logsClean = true;
        StringBuilder lines = new StringBuilder();
        for (JsonNode v : c.get("variants")) {
            if (v.get("key").asText().equals("shipped")) {
                shipped = v;
            }
            if (!v.get("key").asText().equals("nginx")) {
                logsClean &= v.get("log_lines_min").asInt() == v.get("log_lines_expected").asInt()
                        && v.get("log_lines_max").asInt() == v.get("log_lines_expected").asInt();
                lines.append(lines.length() == 0 ? "" : ", ").append(v.get("log_lines_min").asInt()).append('-')
                        .append(v.get("log_lines_max").asInt());
            }
        }
        List<String[]> out = new ArrayList<>();
        if (shipped == null) {
            return out;
        }
        double first = shipped.get("first_ms_p50").asDouble();
        double ratio = shipped.get("rest_ratio_to_nginx").asDouble();
        double listen = shipped.get("listen_ms_p50").asDouble();
        double warm = c.get("warm").get("ratio").asDouble();
        out.add(new String[] {"first call after start ≤ 150 ms end to end", f1(first) + " ms (max "
                + f0(shipped.get("first_ms_max").asDouble()) + ")", verdict(first <= 150)});
        out.add(new String[] {"calls 2-10 after start within 1.5× nginx's median", f2(ratio) + "×", verdict(ratio <= 1.5)});
        out.add(new String[] {"warm within 1.2× nginx", f2(warm) + "×", verdict(warm <= 1.2)});
        out.add(new String[] {"from `run` to listening ≤ 1.5 s (certificate present)", f0(listen) + " ms (max "
                + f0(shipped.get("listen_ms_max").asDouble()) + ")", verdict(listen <= 1500)});
        out.add(new String[] {"the warm-up leaves nothing in the decision log", "calls in it per process: " + lines
                + " for " + c.get("calls_per_sample").asInt() + " calls", verdict(logsClean)});
        return out;
    }

    /** Each goal: what, measured, met or missed. */
    static List<String[]> goals(JsonNode r) {
        List<String[]> out = new ArrayList<>();
        double worstRatio = 0;
        String worstRatioAt = "";
        double worstP99 = 0;
        String worstP99At = "";
        double worstPause = 0;
        double ratio50 = Double.NaN;
        for (JsonNode w : r.get("workloads")) {
            String at = w.get("workload").asText() + " c=" + w.get("concurrency").asInt();
            if (w.get("group").asText().equals("small")) {
                if (w.get("ratio_p50").asDouble() > worstRatio) {
                    worstRatio = w.get("ratio_p50").asDouble();
                    worstRatioAt = at;
                }
                double p99 = w.get("targets").get("carpgate").get("p99Ms").asDouble();
                if (w.get("concurrency").asInt() == 16 && p99 > worstP99) {
                    worstP99 = p99;
                    worstP99At = at;
                }
                worstPause = Math.max(worstPause, w.get("carpgate_max_gc_pause_ms").asDouble());
            }
            if (w.get("workload").asText().equals("restore 50 MiB")) {
                ratio50 = w.get("ratio_p50").asDouble();
            }
        }
        out.add(new String[] {"small calls: carpgate p50 ≤ 1.5× nginx's",
                "worst " + f2(worstRatio) + "× (" + worstRatioAt + ")", verdict(worstRatio <= 1.5)});
        out.add(new String[] {"small calls: carpgate p99 < 10 ms at concurrency 16",
                "worst " + f1(worstP99) + " ms (" + worstP99At + ")", verdict(worstP99 < 10)});
        out.add(new String[] {"50 MiB restore rewritten and forwarded ≤ 2× nginx's pass-through",
                f2(ratio50) + "× (p50)", verdict(ratio50 <= 2)});
        JsonNode mem = r.get("memory");
        JsonNode hs = mem.get("stats");
        boolean hugeOk = hs.get("calls").asInt() > 0 && hs.get("errors").asInt() == 0
                && mem.get("carpgate_alive_at_end").asBoolean();
        out.add(new String[] {"carpgate with -Xmx128m handles a 64 MiB sync",
                hs.get("calls").asInt() + " ok, " + hs.get("errors").asInt() + " failed"
                        + (mem.get("carpgate_alive_at_end").asBoolean() ? "" : ", carpgate died"), verdict(hugeOk)});
        long a = mem.get("heap_after_gc_kb_before_small_calls").asLong();
        long b = mem.get("heap_after_gc_kb_after_small_calls").asLong();
        long c = mem.get("heap_after_gc_kb_after_more_small_calls").asLong();
        long growth = Math.max(b - a, c - b);
        out.add(new String[] {"heap does not grow with the number of calls",
                "after full GC " + mib(a) + " → " + mib(b) + " → " + mib(c) + " MiB over "
                        + mem.get("small_calls_through_carpgate").asInt() + " calls",
                verdict(a > 0 && growth <= HEAP_GROWTH_TOLERANCE_KB)});
        out.add(new String[] {"no GC pause over 50 ms during the small-call runs",
                "longest " + f1(worstPause) + " ms", verdict(worstPause <= 50)});
        return out;
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**missed**";
    }

    private static String lat(JsonNode s) {
        return f2(s.get("p50Ms").asDouble()) + " / " + f2(s.get("p99Ms").asDouble())
                + (s.get("errors").asInt() > 0 ? " (" + s.get("errors").asInt() + " failed)" : "");
    }

    private static String mib(JsonNode kb) {
        return mib(kb.asLong());
    }

    private static String mib(long kb) {
        return String.format(Locale.ROOT, "%.1f", kb / 1024.0);
    }

    private static String signed(double v) {
        return String.format(Locale.ROOT, "%+.2f", v);
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
    }
}
