package io.carpgate.observe;

import io.carpgate.carp.CarpReading;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * carpgate's Prometheus metrics, one registry per running carpgate (no global state). The README lists
 * every metric. Label values come from carpgate's own vocabulary, except the XML-RPC method name, which
 * the master chooses: it is kept only when it looks like a method name, and only the first
 * {@value #MAX_METHODS} distinct ones get their own series, so no client can grow the registry unbounded.
 */
public final class Metrics implements ExchangeListener {
    static final int MAX_METHODS = 64;
    private static final Pattern METHOD = Pattern.compile("[A-Za-z0-9_.]{1,64}|\\([a-z ]{1,20}\\)");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Set<String> methods = ConcurrentHashMap.newKeySet();
    private final Counter requests;
    private final Counter calls;
    private final Counter suppressedStarts;
    private final Histogram upstream;
    private final Counter carpApiErrors;
    private final Counter reloads;
    private final Gauge lastReloadOk;

    public Metrics() {
        requests = Counter.builder().name("carpgate_requests").help("HTTP requests answered, by pair and status code")
                .labelNames("pair", "code").register(registry);
        calls = Counter.builder().name("carpgate_calls")
                .help("XML-RPC calls decided, by pair, method, decision and mode (a multicall counts each inner call)")
                .labelNames("pair", "method", "decision", "mode").register(registry);
        suppressedStarts = Counter.builder().name("carpgate_suppressed_starts")
                .help("Starts or restarts of items with a CARP dependency (WireGuard, OpenVPN clients) carpgate "
                        + "answered itself because the backup was not CARP MASTER (in observe mode: would have), by kind")
                .labelNames("pair", "kind", "mode").register(registry);
        upstream = Histogram.builder().name("carpgate_upstream_duration_seconds")
                .help("Time from sending a call to the backup to its answer's headers")
                .classicOnly()
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .labelNames("pair").register(registry);
        carpApiErrors = Counter.builder().name("carpgate_carp_api_errors")
                .help("Failed reads of the backup's CARP state from its API").labelNames("pair").register(registry);
        reloads = Counter.builder().name("carpgate_config_reloads")
                .help("Configuration reloads, by result (applied or rejected)").labelNames("result").register(registry);
        lastReloadOk = Gauge.builder().name("carpgate_config_last_reload_successful")
                .help("1 when the last reload was applied (or none was tried), 0 when it was rejected")
                .register(registry);
        lastReloadOk.set(1);
    }

    /** Publishes the last CARP state carpgate read of each pair's VHIDs; a scrape reads nothing from a backup. */
    public void carpStateFrom(Supplier<List<PairStatus>> pairs) {
        GaugeWithCallback.builder().name("carpgate_carp_state")
                .help("1 for the backup's current CARP state of each VHID (state is MASTER, BACKUP, INIT, DISABLED "
                        + "or UNKNOWN)")
                .labelNames("pair", "vhid", "interface", "state")
                .callback(cb -> pairs.get().forEach(p -> p.vhids().forEach(v ->
                        cb.call(1, p.name(), Integer.toString(v.vhid()), v.iface(), v.state()))))
                .register(registry);
        GaugeWithCallback.builder().name("carpgate_carp_api_up")
                .help("1 when the pair's backup API answered carpgate's last CARP state read, else 0")
                .labelNames("pair")
                .callback(cb -> pairs.get().forEach(p -> cb.call(p.ready() ? 1 : 0, p.name())))
                .register(registry);
    }

    /** Counts a failed read of a pair's CARP state; only carpgate's own reads come here, never an observer's. */
    public void carpRead(String pair, CarpReading reading) {
        if (!reading.answered()) {
            carpApiErrors.labelValues(pair).inc();
        }
    }

    @Override
    public void onComplete(ExchangeRecord record) {
        requests.labelValues(record.pair(), Integer.toString(record.status())).inc();
        for (CallOutcome call : record.calls()) {
            calls.labelValues(record.pair(), methodLabel(call.method()), call.action().word(), record.mode()).inc();
            if (call.action() == Action.SUPPRESSED) {
                // Kinds come from carpgate's own rows, so the label's values are bounded.
                suppressedStarts.labelValues(record.pair(), call.kind().orElse("-"), record.mode()).inc();
            }
        }
        record.upstreamTime().ifPresent(t -> upstream.labelValues(record.pair()).observe(t.toNanos() / 1e9));
    }

    public void reloaded(boolean applied) {
        reloads.labelValues(applied ? "applied" : "rejected").inc();
        lastReloadOk.set(applied ? 1 : 0);
    }

    String methodLabel(String method) {
        if (!METHOD.matcher(method).matches()) {
            return "other";
        }
        if (methods.contains(method)) {
            return method;
        }
        synchronized (methods) {
            if (methods.size() < MAX_METHODS) {
                methods.add(method);
                return method;
            }
        }
        return methods.contains(method) ? method : "other";
    }

    public String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    public void write(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
    }
}
