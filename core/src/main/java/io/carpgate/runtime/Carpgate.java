package io.carpgate.runtime;

import io.carpgate.admin.AdminServer;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigException;
import io.carpgate.config.ConfigLoader;
import io.carpgate.config.ConfigWarnings;
import io.carpgate.config.PairConfig;
import io.carpgate.memory.PairMemories;
import io.carpgate.observe.AccessLog;
import io.carpgate.observe.ConsoleLines;
import io.carpgate.observe.DecisionLog;
import io.carpgate.observe.ExchangeActivity;
import io.carpgate.observe.ExchangeListener;
import io.carpgate.observe.LogSetup;
import io.carpgate.observe.Logs;
import io.carpgate.observe.Metrics;
import io.carpgate.observe.Overview;
import io.carpgate.observe.RecentDecisions;
import io.carpgate.observe.Sinks;
import io.carpgate.policy.ItemKind;
import io.carpgate.proxy.CarpgateServer;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import io.carpgate.tls.TlsContexts;
import io.carpgate.warmup.Warmup;
import io.carpgate.watch.PairWatches;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running carpgate, built from a loaded configuration: the listener certificate, the sinks (access log, decision
 * log, metrics, recent decisions, console), what it remembers of each pair, the sync listener with its pairs, and the
 * admin listener. {@link #reload} applies a new configuration to it, with the restart-only settings of
 * {@link RestartOnly} kept as they started. Closing it stops the admin listener and the proxy (in-flight calls
 * finish first).
 */
public final class Carpgate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Carpgate.class);
    private static final int RECENT_DECISIONS = 100;

    private final CarpgateServer server;
    private final Optional<AdminServer> admin;
    private final Metrics metrics;
    private final Status status;
    /** The configuration whose restart-only settings (listener, logs, admin...) are the ones in effect. */
    private final CarpgateConfig started;
    /** What carpgate knows of each pair: above the pairs' runtimes, which reloads rebuild, so never lost or copied. */
    private final PairMemories memories;
    /**
     * What the watch found on each pair's backup, and since when: above the runtimes as the memories are, so a
     * reload keeps a standing conflict's since-when.
     */
    private final PairWatches watches;

    private Carpgate(CarpgateServer server, Optional<AdminServer> admin, Metrics metrics, Status status,
                     CarpgateConfig started, PairMemories memories, PairWatches watches) {
        this.memories = memories;
        this.watches = watches;
        this.server = server;
        this.admin = admin;
        this.metrics = metrics;
        this.status = status;
        this.started = started;
    }

    /** What a reload did. */
    public sealed interface ReloadResult {
        /** @param needRestart settings that changed but take effect only after a restart */
        record Applied(List<String> needRestart) implements ReloadResult {}

        record Rejected(String reason) implements ReloadResult {}
    }

    public static Carpgate start(CarpgateConfig config, PrintStream out) throws Exception {
        return start(config, out, List.of(), Optional.empty());
    }

    /**
     * @param watchers told of every exchange besides the logs, the metrics and the status page (tests record
     *     exchanges this way instead of reading log files)
     */
    public static Carpgate start(CarpgateConfig config, PrintStream out, List<ExchangeListener> watchers)
            throws Exception {
        return start(config, out, watchers, Optional.empty());
    }

    /** @param warmup how much of a warm-up to run, the first of it before the listener opens (none: start cold) */
    public static Carpgate start(CarpgateConfig config, PrintStream out, List<ExchangeListener> watchers,
                                 Optional<Warmup.Plan> warmup) throws Exception {
        PortsFree.check(config);
        ListenerCertificate.ensure(config, out);
        Status status = new Status(ListenerCertificate.of(config.tls().cert()), config);
        KeyStore keyStore = PemFiles.loadKeyStore(config.tls().cert(), config.tls().key());
        SslContextFactory.Server listenerTls = TlsContexts.server(keyStore, PemFiles.keyStorePassword());
        // The warm-up's background rounds stand aside while a master's exchanges come and go.
        ExchangeActivity activity = new ExchangeActivity();
        // The warm-up's first rounds run while the rest is built; the listener opens once they are done.
        Optional<Warmup.Running> warming = warmup.map(plan -> Warmup.start(keyStore, PemFiles.keyStorePassword(),
                status.listener.get().fingerprint(), plan, activity, result -> out.println(result.describe())));
        try {
            Carpgate running = start(config, out, watchers, status, listenerTls, activity, warming);
            warming.ifPresent(Warmup.Running::listening);
            return running;
        } catch (Exception | Error e) {
            warming.ifPresent(Warmup.Running::abandon);
            throw e;
        }
    }

    /** Builds everything, waits for the warm-up's first rounds (if any), then opens the listeners. */
    private static Carpgate start(CarpgateConfig config, PrintStream out, List<ExchangeListener> watchers, Status status,
                                  SslContextFactory.Server listenerTls, ExchangeActivity activity,
                                  Optional<Warmup.Running> warming) throws Exception {
        for (PairConfig pair : config.pairs()) {
            out.println("pair " + pair.name() + " at " + pair.path() + " -> backup " + pair.backup().url() + ": "
                    + pair.backup().trust().describe());
        }
        out.println("clients: " + config.access().describe());
        // Once each, on the console the admin reads at start (a logger line as well would say it twice).
        for (String warning : ConfigWarnings.of(config)) {
            out.println("WARNING: " + warning);
        }
        if (config.access().allowFrom().isEmpty()) {
            LOG.warn("allow-from is not set: only loopback may connect; list the master's address to let it in");
        }
        Metrics metrics = new Metrics(status.version);
        metrics.instrumentJvm();
        metrics.knownPairs(pairNames(config), modeWord(config), kindKeys());
        RecentDecisions recent = new RecentDecisions(RECENT_DECISIONS);
        List<ExchangeListener> listeners = new ArrayList<>(List.of(new AccessLog(), new DecisionLog(), metrics, recent,
                new ConsoleLines(), activity));
        listeners.addAll(watchers);
        Sinks sinks = new Sinks(ExchangeListener.all(listeners), metrics, Logs.CONSOLE);
        // What carpgate knows of each pair lives here, above the pairs' runtimes: the same objects across reloads.
        PairMemories memories = new PairMemories(config.stateDir(), Clock.systemUTC());
        // So does what the watch found on each backup (a conflict's since-when).
        PairWatches watches = new PairWatches();
        CarpgateServer server = CarpgateServer.prepare(config, listenerTls, sinks, memories, watches);
        Optional<AdminServer> admin = Optional.empty();
        try {
            warming.ifPresent(Warmup.Running::awaitBefore);
            PortsFree.open("listen", config.listen(), () -> {
                server.open();
                return server;
            });
            if (config.admin().isPresent()) {
                CarpgateConfig.Listen adminListen = config.admin().get();
                admin = Optional.of(PortsFree.open("admin", adminListen, () -> AdminServer.start(adminListen,
                        config.adminHostNames(), metrics, server::statuses, recent, status::overview, sinks.logs())));
                out.println("admin listener on http://" + config.admin().get().host() + ":" + admin.get().port()
                        + "/ (status page, /metrics, /healthz, /readyz)");
            }
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
        metrics.logWritesFrom(LogSetup::health);
        metrics.certificatesFrom(() -> Optional.of(status.listener.get().notAfter()), server::statuses);
        return new Carpgate(server, admin, metrics, status, config, memories, watches);
    }

    /**
     * Reads the configuration file again and applies it. An invalid new version (configuration, VHID map,
     * credentials, certificate) is refused while it is read, before any pair is built, and leaves the running one in
     * force, saying why; nothing is half applied. The restart-only settings keep the values they started with.
     */
    public synchronized ReloadResult reload(Map<String, String> env) {
        Path source = server.config().source();
        try {
            CarpgateConfig next = ConfigLoader.load(source, env);
            // The listener serves the files it started with (new file names wait for a restart): a renewed
            // certificate in those files is read now, before anything is applied, so a broken one refuses the
            // whole reload.
            CarpgateConfig.TlsFiles inEffectTls = started.tls();
            ListenerCertificate certificate = ListenerCertificate.of(inEffectTls.cert());
            KeyStore keyStore = PemFiles.loadKeyStore(inEffectTls.cert(), inEffectTls.key());
            server.apply(next, memories, watches); // the same memories and watches: each pair keeps what it knew and found
            List<String> restart = RestartOnly.changed(started, next);
            if (!certificate.equals(status.listener.get())) {
                try {
                    server.replaceCertificate(keyStore, PemFiles.keyStorePassword());
                    status.listener.set(certificate);
                    LOG.info("listener certificate replaced; SHA-256 {}", certificate.fingerprint());
                } catch (Exception e) {
                    // The rest is applied already; say exactly what is not.
                    LOG.error("configuration {} reloaded, but the listener certificate in {} could NOT be used: {}",
                            source, inEffectTls.cert(), e.toString());
                }
            }
            LogSetup.level(next.logs().level());
            metrics.reloaded(true);
            metrics.knownPairs(pairNames(next), modeWord(next), kindKeys());
            status.rejected.set(Optional.empty());
            status.config.set(next);
            LOG.info("configuration {} reloaded: {} pair(s){}", source, next.pairs().size(),
                    restart.isEmpty() ? "" : "; changed but in force only after a restart: " + String.join(", ", restart));
            ConfigWarnings.of(next).forEach(LOG::warn);
            return new ReloadResult.Applied(restart);
        } catch (Exception e) {
            metrics.reloaded(false);
            String reason = e instanceof ConfigException ? e.getMessage() : e.toString();
            status.rejected.set(Optional.of(reason));
            LOG.error("configuration {} NOT reloaded, the running configuration stays in force: {}", source, reason);
            return new ReloadResult.Rejected(reason);
        }
    }

    public int port() {
        return server.port();
    }

    public CarpgateServer server() {
        return server;
    }

    public Optional<AdminServer> admin() {
        return admin;
    }

    public Fingerprint listenerFingerprint() {
        return status.listener.get().fingerprint();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        try {
            if (admin.isPresent()) {
                admin.get().close();
            }
        } finally {
            server.close();
        }
    }

    /** What the status page's top and the certificate metric read; changed by reloads. */
    private static final class Status {
        private final String version = version();
        private final AtomicReference<ListenerCertificate> listener;
        private final AtomicReference<CarpgateConfig> config;
        private final AtomicReference<Optional<String>> rejected = new AtomicReference<>(Optional.empty());

        Status(ListenerCertificate listener, CarpgateConfig config) {
            this.listener = new AtomicReference<>(listener);
            this.config = new AtomicReference<>(config);
        }

        Overview overview() {
            ListenerCertificate certificate = listener.get();
            return new Overview(version, modeWord(config.get()), certificate.fingerprint().toString(),
                    certificate.notAfter(), rejected.get(), LogSetup.health().problems());
        }
    }

    /** carpgate's version, as Maven wrote it into the jar ("unknown" when run from classes without it). */
    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = Carpgate.class.getResourceAsStream("/carpgate-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }

    private static List<String> kindKeys() {
        return Arrays.stream(ItemKind.values()).map(ItemKind::key).toList();
    }

    private static List<String> pairNames(CarpgateConfig config) {
        return config.pairs().stream().map(PairConfig::name).toList();
    }

    private static String modeWord(CarpgateConfig config) {
        return config.mode().name().toLowerCase(Locale.ROOT);
    }
}
