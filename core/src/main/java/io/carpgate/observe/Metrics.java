package io.carpgate.observe;

import io.carpgate.carp.CarpReading;
import io.carpgate.policy.Action;
import io.carpgate.policy.BackupMethods;
import io.carpgate.policy.CallOutcome;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.snapshots.Unit;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.function.Supplier;

/**
 * carpgate's Prometheus metrics, one registry per running carpgate (no global state). The README lists
 * every metric. Label values come from carpgate's own vocabulary, except the XML-RPC method name, which
 * the client chooses: it is a label only when it is a method the backup has ({@link BackupMethods}) or carpgate's
 * own word for a request without a call ({@link RequestRejected}), and {@code other} otherwise, so no client can
 * grow the registry, nor take the place of a real method.
 */
public final class Metrics implements ExchangeListener {
    /** Every value of the {@code method} label but {@code other}. */
    static final Set<String> METHOD_LABELS = java.util.stream.Stream.concat(BackupMethods.NAMES.stream(),
            java.util.Arrays.stream(RequestRejected.values()).map(RequestRejected::word))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    /** The methods a master sends (PROTOCOL.md): their series exist from the start, at 0. */
    static final List<String> KNOWN_METHODS = List.of("opnsense.firmware_version", "opnsense.restore_config_section",
            "opnsense.filter_configure", "opnsense.configd_reload_all_templates", "opnsense.list_services",
            "opnsense.start_service", "opnsense.restart_service", "opnsense.stop_service", "system.multicall");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private volatile boolean jvmWanted;
    /** Guarded by {@code this}: two first scrapes at once register the JVM's metrics once. */
    private boolean jvmRegistered;
    private final Counter requests;
    private final Counter calls;
    private final Counter suppressedStarts;
    /** The kinds whose starts carpgate may suppress (WireGuard, OpenVPN clients), by their word. */
    private static final java.util.Set<String> SUPPRESSIBLE = java.util.Arrays.stream(io.carpgate.policy.ItemKind.values())
            .filter(io.carpgate.policy.ItemKind::startsGated).map(io.carpgate.policy.ItemKind::key)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final String NO_KIND = "-";
    private final Histogram upstream;
    private final Counter carpApiErrors;
    private final Counter watchErrors;
    private final Counter reloads;
    private final Counter bodyBudgetRejections;
    private final Gauge lastReloadOk;
    private final Gauge lastReloadSuccess;
    private final Counter connectionsDropped;

    /** @param version carpgate's version, for {@code carpgate_build_info} */
    public Metrics(String version) {
        Gauge.builder().name("carpgate_build_info").help("1, with carpgate's version and the Java runtime's")
                .labelNames("version", "java_version").register(registry)
                .labelValues(version, System.getProperty("java.version", "unknown")).set(1);
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
        watchErrors = Counter.builder().name("carpgate_watch_errors")
                .help("Failed reads of the backup's interfaces and routes by carpgate's watch").labelNames("pair")
                .register(registry);
        bodyBudgetRejections = Counter.builder().name("carpgate_body_budget_rejections")
                .help("Requests answered 503 because the bodies in flight held all of limits.body-budget, by pair")
                .labelNames("pair").register(registry);
        reloads = Counter.builder().name("carpgate_config_reloads")
                .help("Configuration reloads, by result (applied or rejected)").labelNames("result").register(registry);
        lastReloadOk = Gauge.builder().name("carpgate_config_last_reload_successful")
                .help("1 when the last reload was applied (or none was tried), 0 when it was rejected")
                .register(registry);
        lastReloadOk.set(1);
        lastReloadSuccess = Gauge.builder().name("carpgate_config_last_reload_success_timestamp_seconds")
                .help("When the configuration in force was loaded: the start, or the last reload that was applied")
                .unit(Unit.SECONDS).register(registry);
        lastReloadSuccess.set(System.currentTimeMillis() / 1000.0);
        for (String result : List.of("applied", "rejected")) {
            reloads.labelValues(result);
        }
        connectionsDropped = Counter.builder().name("carpgate_connections_dropped")
                .help("Client connections carpgate closed on its own, by reason: allow-from and per-client-limit at "
                        + "the accept (before TLS), tls-handshake-timeout, request-read-timeout, client-idle-timeout "
                        + "(mid-request)")
                .labelNames("reason").register(registry);
        for (ConnectionDrop drop : ConnectionDrop.values()) {
            if (drop.byCarpgate()) {
                connectionsDropped.labelValues(drop.word());
            }
        }
    }

    public void connectionDropped(ConnectionDrop drop) {
        if (!drop.byCarpgate()) {
            throw new IllegalArgumentException(drop + " is not carpgate closing a connection");
        }
        connectionsDropped.labelValues(drop.word()).inc();
    }

    /**
     * Adds the JVM and the process (memory, GC, threads, classes, CPU, open files), by the Prometheus client's own
     * instrumentation, from the first scrape on. Registering it reads the JVM's management beans, some 0.2 s of a
     * cold start's CPU (docs/benchmarks.md, "Where start-up goes"): the first scrape pays that, not the start a
     * master waits for. Every one of these series is read from the JVM as of the scrape (totals since the JVM
     * began), so none loses anything by being added later. Only for the metrics an admin scrapes: the start-up
     * warm-up's private metrics never get them.
     */
    public void instrumentJvm() {
        jvmWanted = true;
    }

    /** Whether the JVM's metrics are in the registry now (they are added at the first scrape after the ask). */
    synchronized boolean jvmRegistered() {
        return jvmRegistered;
    }

    private synchronized void registerJvmIfWanted() {
        if (jvmWanted && !jvmRegistered) {
            JvmMetrics.builder().register(registry);
            jvmRegistered = true;
        }
    }

    /**
     * Every series of these pairs exists from now on, at 0, so a rate() or an alert has a series before the
     * first call: each known method with each decision, each kind's suppressed starts, the CARP API errors,
     * the upstream histogram. Called at start and for each reload (series of removed pairs stay as they were).
     */
    public void knownPairs(List<String> pairs, String mode, List<String> kinds) {
        for (String pair : pairs) {
            requests.labelValues(pair, "200");
            for (String method : KNOWN_METHODS) {
                for (Action action : Action.values()) {
                    calls.labelValues(pair, method, action.word(), mode);
                }
            }
            for (String kind : suppressibleLabels(kinds)) {
                suppressedStarts.labelValues(pair, kind, mode);
            }
            carpApiErrors.labelValues(pair);
            watchErrors.labelValues(pair);
            bodyBudgetRejections.labelValues(pair);
            upstream.labelValues(pair);
        }
    }

    /**
     * Seconds until carpgate's own certificate and each backup's (the one carpgate last accepted) expire, as
     * of each scrape: negative once expired.
     */
    public void certificatesFrom(Supplier<Optional<Instant>> listener, Supplier<List<PairStatus>> pairs) {
        GaugeWithCallback.builder().name("carpgate_listener_certificate_expiry_seconds")
                .help("Seconds until the certificate carpgate presents to the master expires (negative: expired)")
                .unit(Unit.SECONDS)
                .callback(cb -> listener.get().ifPresent(notAfter -> cb.call(secondsUntil(notAfter))))
                .register(registry);
        GaugeWithCallback.builder().name("carpgate_backup_certificate_expiry_seconds")
                .help("Seconds until the backup's certificate (as carpgate last accepted it) expires (negative: expired)")
                .unit(Unit.SECONDS).labelNames("pair")
                .callback(cb -> pairs.get().forEach(p -> p.backupCertificateNotAfter()
                        .ifPresent(notAfter -> cb.call(secondsUntil(notAfter), p.name()))))
                .register(registry);
    }

    /** Lines the access and decision logs could not write (a full disk, a removed folder), as of each scrape. */
    public void logWritesFrom(Supplier<LogHealth> health) {
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("carpgate_log_write_errors")
                .help("Log lines not written (the file could not be written or opened), by log: decision, access")
                .labelNames("log")
                .callback(cb -> LogHealth.LOGS.forEach(log -> cb.call(health.get().lost(log), log)))
                .register(registry);
    }

    private static double secondsUntil(Instant notAfter) {
        return Duration.between(Instant.now(), notAfter).toMillis() / 1000.0;
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

    /**
     * Publishes, for every item carpgate knows of each pair, whether the watch finds it in conflict with the backup's
     * CARP state (1) or not (0); from what the watch last found, so a scrape reads nothing from a backup.
     */
    public void conflictsFrom(Supplier<List<PairStatus>> pairs) {
        GaugeWithCallback.builder().name("carpgate_backup_conflicts")
                .help("1 while the backup runs an item against its CARP state (a tunnel up while not MASTER, a relay "
                        + "down while MASTER), else 0; every item carpgate knows")
                .labelNames("pair", "kind", "item")
                .callback(cb -> {
                    // One series per pair, kind and name: an item the VHID map names and a restore taught is one
                    // row each on the status page, and two items may share a name; a series may appear only once.
                    Map<List<String>, Integer> series = new LinkedHashMap<>();
                    pairs.get().forEach(p -> p.instances().forEach(i -> series.merge(
                            List.of(p.name(), i.kind(), i.instance()), p.inConflict(i) ? 1 : 0, Math::max)));
                    series.forEach((labels, value) -> cb.call(value, labels.get(0), labels.get(1), labels.get(2)));
                })
                .register(registry);
    }

    /** Counts a failed read of a pair's backup by the watch (only the watch's own reads come here). */
    public void watchError(String pair) {
        watchErrors.labelValues(pair).inc();
    }

    /** Counts a request refused because the body budget was spent. */
    public void bodyBudgetRejected(String pair) {
        bodyBudgetRejections.labelValues(pair).inc();
    }

    /** Counts a failed read of a pair's CARP state; only carpgate's own reads come here, never an observer's. */
    public void carpRead(String pair, CarpReading reading) {
        if (!reading.answered()) {
            carpApiErrors.labelValues(pair).inc();
        }
    }

    @Override
    public void onComplete(ExchangeRecord record) {
        if (record.closedBy().isEmpty()) { // carpgate closed it unanswered: carpgate_connections_dropped has it
            requests.labelValues(record.pair(), Integer.toString(record.status())).inc();
        }
        for (CallOutcome call : record.calls()) {
            calls.labelValues(record.pair(), methodLabel(call.method()), call.action().word(), record.mode()).inc();
            if (call.action() == Action.SUPPRESSED) {
                for (String kind : suppressedKinds(call)) {
                    suppressedStarts.labelValues(record.pair(), kind, record.mode()).inc();
                }
            }
        }
        record.upstreamTime().ifPresent(t -> upstream.labelValues(record.pair()).observe(t.toNanos() / 1e9));
    }

    /** The kind label's values: each kind whose starts can be suppressed, and "-" for a call carpgate could not place. */
    static List<String> suppressibleLabels(List<String> kinds) {
        List<String> labels = new java.util.ArrayList<>(kinds.stream().filter(SUPPRESSIBLE::contains).toList());
        labels.add(NO_KIND);
        return labels;
    }

    /**
     * The kind label(s) of a suppressed call: each kind it concerns whose starts can be suppressed (a call for
     * service {@code *} counts once for each such kind, never as a combined value; relays are never suppressed), or
     * "-" when it concerns none carpgate knows. Kinds come from carpgate's own rows, so the values are bounded.
     */
    static List<String> suppressedKinds(CallOutcome call) {
        List<String> kinds = java.util.Arrays.stream(call.kind().orElse("").split(",")).map(String::strip)
                .filter(SUPPRESSIBLE::contains).distinct().toList();
        return kinds.isEmpty() ? List.of(NO_KIND) : kinds;
    }

    public void reloaded(boolean applied) {
        reloads.labelValues(applied ? "applied" : "rejected").inc();
        lastReloadOk.set(applied ? 1 : 0);
        if (applied) {
            lastReloadSuccess.set(System.currentTimeMillis() / 1000.0);
        }
    }

    static String methodLabel(String method) {
        return METHOD_LABELS.contains(method) ? method : "other";
    }

    public String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    public void write(OutputStream out) throws IOException {
        registerJvmIfWanted();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
    }
}
