package io.carpgate.proxy;

import io.carpgate.carp.BackupApiClient;
import io.carpgate.carp.CarpCache;
import io.carpgate.carp.CarpReading;
import io.carpgate.carp.CarpView;
import io.carpgate.config.Access;
import io.carpgate.config.Limits;
import io.carpgate.config.Mode;
import io.carpgate.config.PairConfig;
import io.carpgate.config.VhidMap;
import io.carpgate.config.VhidMapLoader;
import io.carpgate.observe.Metrics;
import io.carpgate.observe.PairStatus;
import io.carpgate.memory.PairMemory;
import io.carpgate.policy.VhidHints;
import io.carpgate.tls.SeenCertificate;
import io.carpgate.tls.TlsContexts;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HA pair while carpgate runs: its sync path, the CARP view of its backup and what carpgate learned of
 * its items with a CARP dependency. A reload builds a new one; what carpgate knows of the pair's items (its
 * {@link PairMemory}) is owned above the runtimes and handed, the same object, to each.
 *
 * <p>The sync path is a chain of single-purpose stages, each a Jetty {@code Handler.Wrapper}:
 * {@link AccessGuard} → {@link EndpointGuard} → {@link EncodingGuard} → {@link BodyBuffering} →
 * {@link Interception} (read, decide, patch: the {@link Interceptor}) → {@link Forwarder}. A
 * {@link GracefulHandler} in front lets a retired pair finish its calls in flight.
 */
final class PairRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PairRuntime.class);

    private final PairConfig config;
    private final VhidHints hints;
    private final HttpClient apiClient;
    private final CarpCache carp;
    private final Forwarder forwarder;
    private final PairMemory memory;
    private final GracefulHandler handler;
    private final Clock clock;
    private final AtomicReference<Scheduler.Task> refresh = new AtomicReference<>();
    private volatile boolean closed;
    private final SeenCertificate backupCertificate;

    private PairRuntime(PairConfig config, VhidHints hints, HttpClient apiClient, CarpCache carp, Forwarder forwarder,
                        PairMemory memory, GracefulHandler handler, Clock clock, SeenCertificate backupCertificate) {
        this.forwarder = forwarder;
        this.backupCertificate = backupCertificate;
        this.config = config;
        this.hints = hints;
        this.apiClient = apiClient;
        this.carp = carp;
        this.memory = memory;
        this.handler = handler;
        this.clock = clock;
    }

    /** What every pair shares: the limits, who may connect, the mode, the metrics and the server it runs in. */
    record Shared(Limits limits, Access access, Mode mode, Metrics metrics, Server server, BodyBudget budget) {}

    /**
     * Loads the pair's VHID map, starts its upstream and API clients and reads the backup's CARP state once
     * (in the background), so the status page and /readyz have a reading from the start.
     *
     * @param memory what carpgate knows of the pair's items: the same object across reloads
     * @param lastSeen the earlier runtime's last CARP reading of the same backup, so a reload does not make the
     *     status page, /readyz and the metrics forget the backup's state until the next read lands
     */
    static PairRuntime start(PairConfig config, Shared shared, PairMemory memory, Optional<CarpReading> lastSeen)
            throws Exception {
        VhidMap map = config.vhidMap().isPresent() ? VhidMapLoader.load(config.vhidMap().get()) : VhidMap.empty();
        VhidHints hints = PolicyMapping.hints(map);
        Clock clock = Clock.systemUTC();
        // The API client has its own TLS context; it trusts the backup exactly as the sync path does.
        // Both hops to the backup note the certificate they accept, for its expiry metric.
        SeenCertificate backupCertificate = new SeenCertificate();
        HttpClient apiClient = BackupApiClient.newHttpClient(TlsContexts.client(config.backup().trust(), backupCertificate));
        try {
            BackupApiClient api = new BackupApiClient(apiClient, config.backup().url(),
                    config.backup().apiCredentials().key(), config.backup().apiCredentials().secret(),
                    shared.limits().apiTimeout(), clock);
            ApiHealth health = new ApiHealth(config.name(), lastSeen);
            CarpCache carp = new CarpCache(api::read, shared.limits().carpCacheTtl(), api.maxWait(), clock, reading -> {
                shared.metrics().carpRead(config.name(), reading);
                health.seen(reading);
            }, lastSeen);
            // A call's turn waits at most for the calls before it, each bounded by the upstream timeout.
            // A stored restore may replace the backup's VIPs (uuids included): read them again for the status page.
            Gatekeeper gatekeeper = new Gatekeeper(config.name(), hints, carp, config.onUnknownCarp(), memory,
                    shared.limits().upstreamTimeout().plusSeconds(5), () -> carp.reread(clock.instant()));
            Interceptor decides = new GateInterceptor(gatekeeper);
            Forwarder forwarder = new Forwarder(new Forwarder.Upstream(config.backup().xmlrpcUri(),
                    TlsContexts.client(config.backup().trust(), backupCertificate), shared.limits().upstreamConnectTimeout(),
                    shared.limits().upstreamTimeout()));
            Handler chain = new AccessGuard(shared.access(), new EndpointGuard(new EncodingGuard(
                    new BodyBuffering(shared.limits().maxBodyBytes(), shared.budget(), shared.metrics(), new Interception(
                            shared.mode() == Mode.OBSERVE ? new ObserveOnly(decides) : decides, forwarder)))));
            GracefulHandler handler = new DrainingPair(chain);
            handler.setServer(shared.server());
            try {
                handler.start();
            } catch (Exception e) {
                LifeCycle.stop(handler); // the forwarder's client and threads, if they started
                throw e;
            }
            PairRuntime runtime = new PairRuntime(config, hints, apiClient, carp, forwarder, memory, handler, clock,
                    backupCertificate);
            carp.refresh();
            runtime.refreshEvery(shared);
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


    Optional<CarpReading> lastSeen() {
        return carp.lastSeen();
    }

    /** A snapshot for the admin listener, from the last CARP reading; reads nothing from the backup. */
    PairStatus status() {
        return PairStatus.of(config.name(), config.path(), config.backup().url(), carp.lastSeen(), clock.instant(),
                hints.all(), memory.book().all(), config.onUnknownCarp().name().toLowerCase(java.util.Locale.ROOT),
                backupCertificate.notAfter());
    }

    /** Same pair and backup: what an earlier runtime learned still holds. */
    boolean sameBackupAs(PairConfig other) {
        return config.name().equals(other.name()) && config.backup().url().equals(other.backup().url());
    }

    @Override
    public void close() {
        closed = true;
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

    /** Says on the console when a backup's API starts or stops answering carpgate's reads (not at every read). */
    private static final class ApiHealth {
        private final String pair;
        private final AtomicReference<Boolean> answered = new AtomicReference<>();

        /** @param before the previous runtime's last reading: a reload is no change of health */
        ApiHealth(String pair, Optional<CarpReading> before) {
            this.pair = pair;
            before.ifPresent(r -> answered.set(r.answered()));
        }

        void seen(CarpReading reading) {
            Boolean before = answered.getAndSet(reading.answered());
            if (before != null && before == reading.answered()) {
                return;
            }
            if (reading.view() instanceof CarpView.Known known) {
                LOG.info("pair {}: the backup's API answers: {} CARP VIP(s)", pair, known.vips().size());
            } else {
                LOG.warn("pair {}: the backup's CARP state cannot be read ({}); starts follow on-unknown-carp until "
                        + "it can", pair, ((CarpView.Unavailable) reading.view()).reason());
            }
        }
    }
}
