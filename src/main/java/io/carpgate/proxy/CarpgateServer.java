package io.carpgate.proxy;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.PairConfig;
import io.carpgate.observe.ExchangeCompletion;
import io.carpgate.observe.ExchangeListener;
import io.carpgate.observe.Metrics;
import io.carpgate.observe.PairStatus;
import io.carpgate.memory.PairMemories;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Puts the pieces together: the TLS listener, one sync path per pair behind a {@link PairRouter}, the logs. */
public final class CarpgateServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CarpgateServer.class);
    /** How long a stop waits for calls in flight; the master's own timeout is 60 s. */
    private static final int STOP_SECONDS = 15;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(STOP_SECONDS);

    private final Server server;
    private final ServerConnector connector;
    private final GracefulHandler graceful;
    private final PairRouter router;
    private final Metrics metrics;
    /** The configuration whose restart-only settings (listener, logs, admin...) are the ones in effect. */
    private final CarpgateConfig started;
    private final AtomicReference<CarpgateConfig> running;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private final SslContextFactory.Server listenerTls;
    private final ClientGate clientGate;
    /** What carpgate knows of each pair: above the per-pair runtimes, so a reload never loses or copies it. */
    private final PairMemories memories;
    /** One for all pairs and across reloads: bodies in flight during a reload still hold their share. */
    private final BodyBudget budget;

    private CarpgateServer(Server server, ServerConnector connector, GracefulHandler graceful, PairRouter router,
                           Metrics metrics, CarpgateConfig config, SslContextFactory.Server listenerTls,
                           ClientGate clientGate, PairMemories memories, BodyBudget budget) {
        this.memories = memories;
        this.budget = budget;
        this.listenerTls = listenerTls;
        this.clientGate = clientGate;
        this.server = server;
        this.connector = connector;
        this.graceful = graceful;
        this.router = router;
        this.metrics = metrics;
        this.started = config;
        this.running = new AtomicReference<>(config);
    }

    /**
     * @param listenerTls the certificate the master connects to
     * @param listener told of every exchange on the sync listener (the logs, the metrics, the status page)
     */
    public static CarpgateServer start(CarpgateConfig config, SslContextFactory.Server listenerTls, Metrics metrics,
                                       ExchangeListener listener) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("carpgate");
        // After a burst (many handshakes at once, an attack), idle threads go after 30 s idle; Jetty's
        // default lets one go per idle period, which keeps a burst's threads for most of an hour.
        threads.setIdleTimeout(30_000);
        threads.setMaxEvictCount(64);
        Server server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Masters connect by IP with no SNI, and the certificate is usually self-signed for another name.
        secure.setSniHostCheck(false);
        secure.setSniRequired(false);
        http.addCustomizer(secure);

        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(listenerTls, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost(config.listen().host());
        connector.setPort(config.listen().port());
        connector.setIdleTimeout(config.limits().clientIdleTimeout().toMillis());
        ThrottledWarnings warnings = new ThrottledWarnings();
        // Strangers and an address over its share are closed at the accept, before a TLS byte is read.
        ClientGate clientGate = new ClientGate(rules(config), metrics, warnings);
        connector.getSelectorManager().addEventListener(clientGate);
        connector.addEventListener(new HandshakeGuard(config.limits().tlsHandshakeTimeout(), server.getScheduler(),
                metrics, warnings));
        SlowClientGuard slowClients = new SlowClientGuard(config.limits().requestReadTimeout(), server.getScheduler(),
                metrics, warnings);
        connector.addEventListener(slowClients);
        server.addBean(slowClients);
        server.addConnector(connector);
        // Past this many open connections Jetty stops accepting; the rest wait in the kernel's queue.
        server.addBean(new org.eclipse.jetty.server.NetworkConnectionLimit(config.limits().maxConnections(), connector));

        // The server's scheduler must run before the pairs: each schedules its own reads of its backup's CARP state.
        server.getScheduler().start();
        PairMemories memories = new PairMemories(config.stateDir(), java.time.Clock.systemUTC());
        BodyBudget budget = new BodyBudget(config.limits().bodyBudget());
        PairRouter router = new PairRouter(routes(config, metrics, List.of(), server, memories, budget),
                server.getScheduler(), threads, listener);
        // On stop, calls already with the backup finish (up to the stop timeout); new ones are refused.
        GracefulHandler graceful = new GracefulHandler(router);
        server.setHandler(graceful);
        server.setRequestLog(new ExchangeCompletion(listener));
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        try {
            server.start();
        } catch (Exception e) {
            router.routes().pairs().forEach(PairRouter::closeQuietly);
            throw e;
        }
        metrics.carpStateFrom(router::statuses);
        // A sync call from an allowed client will likely need the backup's CARP state and a connection to the backup:
        // both start at the accept, overlapping the master's TLS handshake and request.
        clientGate.whenAdmitted(router::prepare);
        return new CarpgateServer(server, connector, graceful, router, metrics, config, listenerTls, clientGate,
                memories, budget);
    }

    private static ClientGate.Rules rules(CarpgateConfig config) {
        return new ClientGate.Rules(config.access(), config.limits().maxConnectionsPerClient());
    }

    /**
     * Builds every pair of the new configuration (loading its VHID map and credentials); only when all
     * succeed does the new set replace the running one. What a running listener cannot change (its address,
     * the log folder, the admin listener) waits for a restart and is named in the result: those that differ
     * from what is in effect since the start, so a value put back is no longer named.
     *
     * @return the settings whose file value differs from the one in effect until a restart
     * @throws Exception when a pair cannot be built; the running configuration stays in force
     */
    public List<String> apply(CarpgateConfig next) throws Exception {
        CarpgateConfig previous = running.get();
        List<PairRuntime> current = router.routes().pairs();
        PairRouter.Routes routes = routes(next, metrics, current, server, memories, budget);
        budget.limit(next.limits().bodyBudget());
        router.replace(routes, previous.limits().upstreamTimeout().plusSeconds(5));
        clientGate.replace(rules(next));
        connector.setIdleTimeout(next.limits().clientIdleTimeout().toMillis());
        running.set(next);
        return restartOnly(started, next);
    }

    /** The restart-only settings in which {@code next} differs from {@code inEffect}. */
    static List<String> restartOnly(CarpgateConfig inEffect, CarpgateConfig next) {
        List<String> restart = new ArrayList<>();
        if (!inEffect.listen().equals(next.listen())) {
            restart.add("listen");
        }
        if (!inEffect.logs().dir().equals(next.logs().dir())
                || inEffect.logs().retentionDays() != next.logs().retentionDays()
                || inEffect.logs().maxFileBytes() != next.logs().maxFileBytes()
                || inEffect.logs().totalSizeCapBytes() != next.logs().totalSizeCapBytes()) {
            restart.add("logs (dir, retention-days, max-file-size, total-size-cap)");
        }
        if (!inEffect.limits().requestReadTimeout().equals(next.limits().requestReadTimeout())) {
            restart.add("limits.request-read-timeout");
        }
        if (!inEffect.limits().tlsHandshakeTimeout().equals(next.limits().tlsHandshakeTimeout())) {
            restart.add("limits.tls-handshake-timeout");
        }
        if (inEffect.limits().maxConnections() != next.limits().maxConnections()) {
            restart.add("limits.max-connections");
        }
        if (!inEffect.stateDir().equals(next.stateDir())) {
            restart.add("state-dir");
        }
        if (!inEffect.admin().equals(next.admin()) || !inEffect.adminHosts().equals(next.adminHosts())) {
            restart.add("admin");
        }
        if (!inEffect.tls().equals(next.tls())) {
            restart.add("tls (the file names; a new certificate in the same files is used at once)");
        }
        return restart;
    }

    /** Builds the runtimes of {@code config}, each with its pair's memory (the same across reloads). */
    private static PairRouter.Routes routes(CarpgateConfig config, Metrics metrics, List<PairRuntime> previous,
                                            Server server, PairMemories memories, BodyBudget budget)
            throws Exception {
        PairRuntime.Shared shared = new PairRuntime.Shared(config.limits(), config.access(), config.mode(), metrics,
                server, budget);
        List<PairRuntime> built = new ArrayList<>();
        try {
            for (PairConfig pair : config.pairs()) {
                java.util.Optional<PairRuntime> same = previous.stream().filter(p -> p.sameBackupAs(pair)).findFirst();
                built.add(PairRuntime.start(pair, shared, memories.of(pair.name(), pair.backup().url().toString()),
                        same.flatMap(PairRuntime::lastSeen)));
            }
        } catch (Exception e) {
            built.forEach(PairRouter::closeQuietly);
            throw e;
        }
        return new PairRouter.Routes(built, config.access());
    }

    /** A renewed certificate for the listener: new connections get it, open ones keep theirs. */
    public void replaceCertificate(java.security.KeyStore keyStore, char[] password) throws Exception {
        listenerTls.reload(factory -> {
            factory.setKeyStore(keyStore);
            factory.setKeyStorePassword(new String(password));
        });
    }

    public CarpgateConfig config() {
        return running.get();
    }

    /** The configuration carpgate started with: its restart-only settings (listener, tls files...) are in effect. */
    public CarpgateConfig started() {
        return started;
    }

    /** Each pair's VHIDs, CARP state and instances, for the admin listener. */
    public List<PairStatus> statuses() {
        return router.statuses();
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** Connections open from {@code client} now, as the per-client limit counts them. */
    public int connectionsFrom(java.net.InetAddress client) {
        return clientGate.held(client);
    }

    /** Stopping: new calls are refused while those in flight finish. */
    public boolean draining() {
        return graceful.isShutdown();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * Stops taking calls and lets those in flight finish (at most {@value #STOP_SECONDS} s), saying so on the
     * console when it starts draining and when it is done.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return; // stopped already (or stopping on another thread)
        }
        long inFlight = graceful.getCurrentRequestCount();
        LOG.info("stopping: new calls are refused; {} call(s) in flight may finish (at most {} s)", inFlight,
                STOP_TIMEOUT.toSeconds());
        boolean drained = true;
        try {
            graceful.shutdown().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            drained = false;
        } catch (ExecutionException e) {
            drained = graceful.getCurrentRequestCount() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to hurry: stop now, cutting off what is left
            drained = graceful.getCurrentRequestCount() == 0;
        }
        long cut = graceful.getCurrentRequestCount();
        // The drain is done (or over time): Jetty must not wait for it a second time before stopping.
        server.setStopTimeout(0);
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the listener: {}", e.toString());
        } finally {
            org.eclipse.jetty.util.component.LifeCycle.stop(server.getScheduler()); // started before the server: not its to stop
            if (drained) {
                LOG.info("stopped: every call in flight finished");
            } else {
                LOG.warn("stopped: {} call(s) still in flight after {} s were cut off", cut, STOP_TIMEOUT.toSeconds());
            }
        }
    }

    @Override
    public String toString() {
        return "carpgate on port " + port() + " with " + Objects.requireNonNull(running.get()).pairs().size() + " pair(s)";
    }
}
