package io.carpgate.proxy;

import io.carpgate.carp.BackupApiClient;
import io.carpgate.carp.CarpCache;
import io.carpgate.carp.CarpReading;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.Monotonic;
import io.carpgate.config.Access;
import io.carpgate.config.Limits;
import io.carpgate.config.Mode;
import io.carpgate.config.PairConfig;
import io.carpgate.observe.Logs;
import io.carpgate.observe.RepeatedLine;
import io.carpgate.observe.Metrics;
import io.carpgate.observe.PairStatus;
import io.carpgate.memory.PairMemory;
import io.carpgate.policy.Gatekeeper;
import io.carpgate.policy.VhidMap;
import io.carpgate.tls.SeenCertificate;
import io.carpgate.tls.TlsContexts;
import io.carpgate.config.WatchSettings;
import io.carpgate.watch.BackupWatch;
import io.carpgate.watch.PairWatches;
import io.carpgate.watch.WatchBook;
import io.carpgate.watch.WatchReader;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;

/**
 * One HA pair while carpgate runs: its sync path, the CARP view of its backup and what carpgate learned of
 * its items with a CARP dependency. A reload builds a new one; what carpgate knows of the pair's items (its
 * {@link PairMemory}) is owned above the runtimes and handed, the same object, to each.
 *
 * <p>The sync path is a chain of single-purpose stages, each a Jetty {@code Handler.Wrapper}:
 * {@link AccessGuard} → {@link EndpointGuard} → {@link EncodingGuard} → {@link CallsPerClient} → {@link BodyBuffering} →
 * {@link Deciding} (read, ask the pair's {@code Gatekeeper}, act on its verdict) → {@link Forwarder}. A
 * {@link GracefulHandler} in front lets a retired pair finish its calls in flight.
 */
final class PairRuntime implements AutoCloseable {
    private final PairConfig config;
    private final VhidMap vhidMap;
    private final HttpClient apiClient;
    private final CarpCache carp;
    private final Forwarder forwarder;
    private final PairMemory memory;
    private final GracefulHandler handler;
    private final Clock clock;
    private final AtomicReference<Scheduler.Task> refresh = new AtomicReference<>();
    private volatile boolean closed;
    private final SeenCertificate backupCertificate;
    private final Logs logs;
    private final BackupWatch watch;
    private final WatchBook watchBook;

    private PairRuntime(PairConfig config, VhidMap vhidMap, HttpClient apiClient, CarpCache carp, Forwarder forwarder,
                        PairMemory memory, GracefulHandler handler, Clock clock, SeenCertificate backupCertificate,
                        Logs logs, BackupWatch watch, WatchBook watchBook) {
        this.logs = logs;
        this.forwarder = forwarder;
        this.backupCertificate = backupCertificate;
        this.watch = watch;
        this.watchBook = watchBook;
        this.config = config;
        this.vhidMap = vhidMap;
        this.apiClient = apiClient;
        this.carp = carp;
        this.memory = memory;
        this.handler = handler;
        this.clock = clock;
    }

    /**
     * What every pair shares: the limits, who may connect, the mode, the metrics and the server it runs in, where
     * its own lines go, and the watch's settings and each pair's watch book (owned above the runtimes).
     */
    record Shared(Limits limits, Access access, Mode mode, Metrics metrics, Server server, BodyBudget budget,
                  ClientCalls calls, Logs logs, WatchSettings watch, PairWatches watches) {}

    /**
     * Starts its upstream and API clients and reads the backup's CARP state once
     * (in the background), so the status page and /readyz have a reading from the start.
     *
     * @param memory what carpgate knows of the pair's items: the same object across reloads
     * @param lastSeen the earlier runtime's last CARP reading of the same backup, so a reload does not make the
     *     status page, /readyz and the metrics forget the backup's state until the next read lands
     */
    static PairRuntime start(PairConfig config, Shared shared, PairMemory memory, Optional<CarpReading> lastSeen)
            throws Exception {
        VhidMap vhidMap = config.vhidMap(); // loaded and checked with the configuration
        Clock clock = Clock.systemUTC();
        ApiHealth health = new ApiHealth(config.name(), lastSeen, shared.metrics(), shared.logs().of(PairRuntime.class));
        // The API client has its own TLS context; it trusts the backup exactly as the sync path does.
        // Both hops to the backup note the certificate they accept, for its expiry metric.
        SeenCertificate backupCertificate = new SeenCertificate();
        SslContextFactory.Client syncTls = TlsContexts.client(config.backup().trust(), backupCertificate);
        HttpClient apiClient = BackupApiClient.newHttpClient(TlsContexts.client(config.backup().trust(), backupCertificate));
        try {
            BackupApiClient api = new BackupApiClient(apiClient, config.backup().url(),
                    config.backup().apiCredentials().key(), config.backup().apiCredentials().secret(),
                    shared.limits().apiTimeout(), clock);
            CarpCache carp = new CarpCache(api::read, shared.limits().carpCacheTtl(), api.maxWait(), clock,
                    Monotonic.system(), health::seen, lastSeen);
            // The read-only watch of the backup's interfaces and routes; its book outlives this runtime.
            WatchBook watchBook = shared.watches().of(config.name(), config.backup().identity());
            BackupWatch watch = new BackupWatch(config.name(), watchBook, () -> memory.book().all(), carp::fresh,
                    new WatchReader(apiClient, config.backup().url(), config.backup().apiCredentials().key(),
                            config.backup().apiCredentials().secret(), shared.limits().apiTimeout())::read,
                    shared.server().getScheduler(), shared.watch().interval(), BackupWatch.AFTER_SYNC, clock,
                    () -> shared.metrics().watchError(config.name()));
            // Started without what it knew of the pair: the map's items it does not know are in doubt (once).
            memory.distrustMapIfLost(vhidMap);
            // A call's turn waits at most for the calls before it, each bounded by the upstream timeout.
            // A stored restore may replace the backup's VIPs (uuids included): read them again for the status page,
            // and let the watch look a few seconds later, once the burst's starts have had their effect.
            Gatekeeper gatekeeper = new Gatekeeper(config.name(), vhidMap, carp, config.onUnknownCarp(), memory,
                    shared.limits().upstreamTimeout().plusSeconds(5), vips -> {
                        if (vips) {
                            memory.vipsReplaced(carp.mark()); // above this runtime: a reload keeps it
                        }
                        carp.reread(carp.mark());
                        watch.afterSync();
                    });
            Forwarder forwarder = new Forwarder(new Forwarder.Upstream(config.backup().xmlrpcUri(),
                    syncTls, shared.limits().upstreamConnectTimeout(),
                    shared.limits().upstreamTimeout()), shared.logs());
            Handler chain = new AccessGuard(shared.access(),
                    new RepeatedLine(shared.logs().of(AccessGuard.class)), new EndpointGuard(new EncodingGuard(
                    new CallsPerClient(shared.calls(),
                    new BodyBuffering(shared.limits().maxBodyBytes(), shared.budget(), shared.metrics(), new Deciding(
                            gatekeeper::decide, gatekeeper::sentUnjudged, shared.mode() == Mode.OBSERVE,
                            shared.budget(), shared.metrics(), forwarder))))));
            GracefulHandler handler = new DrainingPair(chain);
            handler.setServer(shared.server());
            try {
                handler.start();
            } catch (Exception e) {
                LifeCycle.stop(handler); // the forwarder's client and threads, if they started
                throw e;
            }
            PairRuntime runtime = new PairRuntime(config, vhidMap, apiClient, carp, forwarder, memory, handler, clock,
                    backupCertificate, shared.logs(), watch, watchBook);
            carp.refresh();
            runtime.refreshEvery(shared);
            watch.start();
            return runtime;
        } catch (Exception e) {
            apiClient.stop();
            throw e;
        }
    }

    /** carpgate's own periodic read (limits.carp-refresh); watchers never read, whatever their number. */
    private void refreshEvery(Shared shared) {
        long millis = shared.limits().carpRefresh().toMillis();
        if (millis <= 0 || closed) {
            return;
        }
        // refresh() only starts an asynchronous read, so the scheduler's thread never waits on the network.
        refresh.set(shared.server().getScheduler().schedule(() -> {
            if (closed) {
                return; // closed while this task waited: no read through a stopped client
            }
            carp.refresh();
            refreshEvery(shared);
        }, millis, TimeUnit.MILLISECONDS));
        if (closed) {
            refresh.get().cancel(); // scheduled while close() ran
        }
    }

    /**
     * An allowed client connected: starts a CARP read unless the last reading is fresh or one is on its way, and a
     * connection to the backup unless one is ready; never waits.
     */
    void prepare() {
        if (!closed) {
            carp.refresh();
            forwarder.prepare();
        }
    }

    PairConfig config() {
        return config;
    }

    GracefulHandler handler() {
        return handler;
    }

    /** Where this pair's lines go (the running carpgate's logs, or none for a private one). */
    Logs logs() {
        return logs;
    }


    Optional<CarpReading> lastSeen() {
        return carp.lastSeen();
    }

    /** A snapshot for the admin listener, from the last CARP reading; reads nothing from the backup. */
    PairStatus status() {
        return PairStatus.of(config.name(), config.path(), config.backup().url(), carp.lastSeen(), clock.instant(),
                vhidMap.all(), memory.book().all(), config.onUnknownCarp().name().toLowerCase(java.util.Locale.ROOT),
                backupCertificate.notAfter(), WatchRows.of(watch.enabled(), watchBook));
    }

    /** Same pair and backup: what an earlier runtime learned still holds. */
    boolean sameBackupAs(PairConfig other) {
        return config.name().equals(other.name()) && config.backup().url().equals(other.backup().url());
    }

    @Override
    public void close() {
        closed = true;
        watch.close();
        Scheduler.Task task = refresh.getAndSet(null);
        if (task != null) {
            task.cancel();
        }
        try {
            LifeCycle.stop(handler);
        } finally {
            LifeCycle.stop(apiClient);
        }
    }

    /**
     * What each CARP reading of the backup tells: the metrics, and on the console when the backup's API starts or
     * stops answering carpgate's reads (not at every read).
     */
    private static final class ApiHealth {
        private final String pair;
        private final Metrics metrics;
        private final Logger log;
        private final AtomicReference<Boolean> answered = new AtomicReference<>();

        /** @param before the previous runtime's last reading: a reload is no change of health */
        ApiHealth(String pair, Optional<CarpReading> before, Metrics metrics, Logger log) {
            this.pair = pair;
            this.metrics = metrics;
            this.log = log;
            before.ifPresent(r -> answered.set(r.answered()));
        }

        void seen(CarpReading reading) {
            metrics.carpRead(pair, reading);
            Boolean before = answered.getAndSet(reading.answered());
            if (before != null && before == reading.answered()) {
                return;
            }
            if (reading.view() instanceof CarpView.Known known) {
                log.info("pair {}: the backup's API answers: {} CARP VIP(s)", pair, known.vips().size());
            } else {
                log.warn("pair {}: the backup's CARP state cannot be read ({}); starts follow on-unknown-carp until "
                        + "it can", pair, ((CarpView.Unavailable) reading.view()).reason());
            }
        }
    }
}
