package io.carpgate.proxy;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.PairConfig;
import io.carpgate.observe.ExchangeCompletion;
import io.carpgate.observe.ExchangeListener;
import io.carpgate.observe.Logs;
import io.carpgate.observe.Metrics;
import io.carpgate.observe.PairStatus;
import io.carpgate.observe.Sinks;
import io.carpgate.memory.PairMemories;
import io.carpgate.watch.PairWatches;
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

/**
 * The sync listener: TLS, one sync path per pair behind a {@link PairRouter}, and its live reconfiguration. What it
 * tells (logs, metrics, exchanges) goes to the {@link Sinks} it is handed, what it remembers of each pair to the
 * {@link PairMemories} it is handed, what the watch finds on each backup to the {@link PairWatches} it is handed: all
 * three are the running carpgate's, and outlive a reload.
 */
public final class CarpgateServer implements AutoCloseable {
    /** How long a stop waits for calls in flight; the master's own timeout is 60 s. */
    private static final int STOP_SECONDS = 15;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(STOP_SECONDS);

    private final Server server;
    private final ServerConnector connector;
    private final GracefulHandler graceful;
    private final PairRouter router;
    private final Metrics metrics;
    private final Logs logs;
    private final Logger log;
    private final AtomicReference<CarpgateConfig> running;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
    private final SslContextFactory.Server listenerTls;
    private final ClientGate clientGate;
    /** One for all pairs and across reloads: bodies in flight during a reload still hold their share. */
    private final BodyBudget budget;
    private final ClientCalls calls;

    private CarpgateServer(Server server, ServerConnector connector, GracefulHandler graceful, PairRouter router,
                           Sinks sinks, CarpgateConfig config, SslContextFactory.Server listenerTls,
                           ClientGate clientGate, BodyBudget budget, ClientCalls calls) {
        this.logs = sinks.logs();
        this.log = sinks.logs().of(CarpgateServer.class);
        this.budget = budget;
        this.calls = calls;
        this.listenerTls = listenerTls;
        this.clientGate = clientGate;
        this.server = server;
        this.connector = connector;
        this.graceful = graceful;
        this.router = router;
        this.metrics = sinks.metrics();
        this.running = new AtomicReference<>(config);
    }

    /**
     * Builds and starts the sync listener and opens its port: {@link #prepare} then {@link #open}.
     *
     * @param listenerTls the certificate the master connects to
     * @param sinks where it tells what it does (none: a private server, whose work no one reads)
     * @param memories what carpgate knows of each pair, loaded as each pair is first built
     * @param watches what the watch found on each pair's backup, kept by the caller so that a conflict's since-when
     *     outlives every reload
     */
    public static CarpgateServer start(CarpgateConfig config, SslContextFactory.Server listenerTls, Sinks sinks,
                                       PairMemories memories, PairWatches watches) throws Exception {
        CarpgateServer server = prepare(config, listenerTls, sinks, memories, watches);
        try {
            server.open();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Builds and starts everything of the sync listener but its port: the pairs (each begins reading its backup),
     * the threads, the handlers. Nothing is accepted until {@link #open}, so that a start can do its other work (the
     * warm-up) meanwhile and open the port only when calls will be served at once.
     */
    public static CarpgateServer prepare(CarpgateConfig config, SslContextFactory.Server listenerTls, Sinks sinks,
                                         PairMemories memories, PairWatches watches) throws Exception {
        Metrics metrics = sinks.metrics();
        ExchangeListener listener = sinks.exchanges();
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
        ThrottledWarnings warnings = new ThrottledWarnings(sinks.logs());
        // Strangers and an address over its share are closed at the accept, before a TLS byte is read.
        ClientGate clientGate = new ClientGate(rules(config), metrics, warnings);
        connector.addEventListener(new HandshakeGuard(config.limits().tlsHandshakeTimeout(), server.getScheduler(),
                metrics, warnings));
        // The connector joins the server only at open(): started with it, it would bind the port now.
        ListenerGuards.guard(server, connector, clientGate, new SlowClientGuard(
                config.limits().requestReadTimeout(), server.getScheduler(), metrics, warnings),
                config.limits().maxConnections());

        // The server's scheduler must run before the pairs: each schedules its own reads of its backup's CARP state.
        // Started before the server, it is not the server's to stop: every failure from here on stops it.
        server.getScheduler().start();
        BodyBudget budget = new BodyBudget(config.limits().bodyBudget(),
                BodyBudget.shareOf(config.limits().bodyBudget(), config.limits().maxBodyBytes()));
        ClientCalls calls = new ClientCalls(config.limits().maxCallsPerClient());
        PairRouter router;
        try {
            router = new PairRouter(routes(config, metrics, List.of(), server, memories, budget, calls, sinks.logs(),
                    watches),
                    server.getScheduler(), threads, listener, sinks.logs());
        } catch (Exception | Error e) {
            stopScheduler(server);
            throw e;
        }
        memories.inEffect(backupByPair(config));
        // On stop, calls already with the backup finish (up to the stop timeout); new ones are refused.
        GracefulHandler graceful = new StoppingGate(router, listener);
        server.setHandler(graceful);
        server.setRequestLog(new ExchangeCompletion(listener));
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        try {
            server.start();
        } catch (Exception | Error e) {
            router.routes().pairs().forEach(PairRouter::closeQuietly);
            org.eclipse.jetty.util.component.LifeCycle.stop(server);
            stopScheduler(server);
            throw e;
        }
        metrics.carpStateFrom(router::statuses);
        metrics.conflictsFrom(router::statuses);
        // A sync call from an allowed client will likely need the backup's CARP state and a connection to the backup:
        // both start at the accept, overlapping the master's TLS handshake and request.
        clientGate.whenAdmitted(router::prepare);
        return new CarpgateServer(server, connector, graceful, router, sinks, config, listenerTls, clientGate,
                budget, calls);
    }

    /** The scheduler is started before the server (the pairs need it first), so the server's stop leaves it running. */
    private static void stopScheduler(Server server) {
        org.eclipse.jetty.util.component.LifeCycle.stop(server.getScheduler());
    }

    private static ClientGate.Rules rules(CarpgateConfig config) {
        return new ClientGate.Rules(config.access(), config.limits().maxConnectionsPerClient());
    }

    /**
     * Builds every pair of the new configuration (its VHID map and credentials were read with it); only when all
     * succeed does the new set replace the running one. What a running listener cannot change (its address, its
     * timeouts at the accept) stays as it started: the caller names those settings (restart-only).
     *
     * @param memories what carpgate knows of each pair (the running carpgate's, the same at every reload)
     * @param watches what the watch found on each pair's backup (likewise the running carpgate's)
     * @throws Exception when a pair cannot be built; the running configuration stays in force
     */
    public void apply(CarpgateConfig next, PairMemories memories, PairWatches watches) throws Exception {
        CarpgateConfig previous = running.get();
        List<PairRuntime> current = router.routes().pairs();
        PairRouter.Routes routes = routes(next, metrics, current, server, memories, budget, calls, logs, watches);
        calls.max(next.limits().maxCallsPerClient());
        budget.limit(next.limits().bodyBudget(),
                BodyBudget.shareOf(next.limits().bodyBudget(), next.limits().maxBodyBytes()));
        router.replace(routes, previous.limits().upstreamTimeout().plusSeconds(5));
        // Only now, with the new pairs in effect, is what they replace retired: a refused reload changes nothing.
        memories.inEffect(backupByPair(next));
        clientGate.replace(rules(next));
        connector.setIdleTimeout(next.limits().clientIdleTimeout().toMillis());
        running.set(next);
    }

    private static java.util.Map<String, String> backupByPair(CarpgateConfig config) {
        java.util.Map<String, String> byPair = new java.util.LinkedHashMap<>();
        config.pairs().forEach(pair -> byPair.put(pair.name(), pair.backup().identity()));
        return byPair;
    }

    /** Builds the runtimes of {@code config}, each with its pair's memory (the same across reloads). */
    private static PairRouter.Routes routes(CarpgateConfig config, Metrics metrics, List<PairRuntime> previous,
                                            Server server, PairMemories memories, BodyBudget budget,
                                            ClientCalls calls, Logs logs,
                                            PairWatches watches)
            throws Exception {
        PairRuntime.Shared shared = new PairRuntime.Shared(config.limits(), config.access(), config.mode(), metrics,
                server, budget, calls, logs, config.watch(), watches);
        List<PairRuntime> built = new ArrayList<>();
        try {
            for (PairConfig pair : config.pairs()) {
                java.util.Optional<PairRuntime> same = previous.stream().filter(p -> p.sameBackupAs(pair)).findFirst();
                built.add(PairRuntime.start(pair, shared, memories.of(pair.name(), pair.backup().identity()),
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

    /** Each pair's VHIDs, CARP state and instances, for the admin listener. */
    public List<PairStatus> statuses() {
        return router.statuses();
    }

    /**
     * Binds the port and starts accepting. The server is started already, so the connector is not one of the beans
     * its start starts: it is started here; the server's stop stops it with the others (Jetty's {@code Server} stops
     * every connector it holds).
     */
    public void open() throws Exception {
        if (closing.get()) {
            throw new IllegalStateException("the sync listener is stopped");
        }
        if (server.getConnectors().length > 0) {
            throw new IllegalStateException("the sync listener is open already");
        }
        server.addConnector(connector);
        try {
            connector.start();
        } catch (Exception | Error e) {
            // Not open: a later open may try again, and a stop has no connector of it to stop.
            server.removeConnector(connector);
            throw e;
        }
    }

    /** The port the sync listener took; -1 until {@link #open}. */
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
        log.info("stopping: new calls are refused; {} call(s) in flight may finish (at most {} s)", inFlight,
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
            log.warn("stopping the listener: {}", e.toString());
        } finally {
            stopScheduler(server); // started before the server: not its to stop
            if (drained) {
                log.info("stopped: every call in flight finished");
            } else {
                log.warn("stopped: {} call(s) still in flight after {} s were cut off", cut, STOP_TIMEOUT.toSeconds());
            }
        }
    }

    @Override
    public String toString() {
        return "carpgate on port " + port() + " with " + Objects.requireNonNull(running.get()).pairs().size() + " pair(s)";
    }
}
