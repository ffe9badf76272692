package io.carpgate.cli;

import io.carpgate.admin.AdminServer;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigException;
import io.carpgate.config.ConfigLoader;
import io.carpgate.config.ConfigWarnings;
import io.carpgate.config.PairConfig;
import io.carpgate.config.UpstreamTrust;
import io.carpgate.observe.AccessLog;
import io.carpgate.observe.ConsoleLines;
import io.carpgate.observe.DecisionLog;
import io.carpgate.observe.ExchangeListener;
import io.carpgate.observe.LogSetup;
import io.carpgate.observe.Overview;
import io.carpgate.observe.Metrics;
import io.carpgate.observe.RecentDecisions;
import io.carpgate.proxy.CarpgateServer;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import io.carpgate.tls.TlsContexts;
import io.carpgate.warmup.Warmup;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a running carpgate from a loaded configuration: certificate, pairs, listener, admin listener. */
public final class Launcher {
    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
    private static final int RECENT_DECISIONS = 100;

    private Launcher() {}

    /** A started carpgate; closing it stops the admin listener and the proxy (in-flight calls finish first). */
    public static final class Running implements AutoCloseable {
        private final CarpgateServer server;
        private final Optional<AdminServer> admin;
        private final Metrics metrics;
        private final Status status;

        private Running(CarpgateServer server, Optional<AdminServer> admin, Metrics metrics, Status status) {
            this.server = server;
            this.admin = admin;
            this.metrics = metrics;
            this.status = status;
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

        /**
         * Reads the configuration file again and applies it. An invalid new version (configuration, map,
         * credentials, certificate) leaves the running one in force and says why; nothing is half applied.
         */
        public synchronized ReloadResult reload(Map<String, String> env) {
            Path source = server.config().source();
            try {
                CarpgateConfig next = ConfigLoader.load(source, env);
                // The listener serves the files it started with (new file names wait for a restart): a renewed
                // certificate in those files is read now, before anything is applied, so a broken one refuses the
                // whole reload.
                CarpgateConfig.TlsFiles inEffectTls = server.started().tls();
                ListenerCertificate certificate = ListenerCertificate.of(inEffectTls.cert());
                KeyStore keyStore = PemFiles.loadKeyStore(inEffectTls.cert(), inEffectTls.key());
                List<String> restart = server.apply(next);
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
                warnings(next).forEach(LOG::warn);
                return new ReloadResult.Applied(restart);
            } catch (Exception e) {
                metrics.reloaded(false);
                String reason = e instanceof ConfigException ? e.getMessage() : e.toString();
                status.rejected.set(Optional.of(reason));
                LOG.error("configuration {} NOT reloaded, the running configuration stays in force: {}", source, reason);
                return new ReloadResult.Rejected(reason);
            }
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
    }

    /** The certificate the masters connect to: its pin, and when it expires (both on the status page). */
    record ListenerCertificate(Fingerprint fingerprint, java.time.Instant notAfter) {
        static ListenerCertificate of(Path file) throws java.io.IOException, java.security.GeneralSecurityException {
            java.security.cert.X509Certificate certificate = PemFiles.readCertificates(file).get(0);
            return new ListenerCertificate(Fingerprint.of(certificate), certificate.getNotAfter().toInstant());
        }
    }

    /** What the status page's top and the certificate metric read; changed by reloads. */
    private static final class Status {
        private final String version = VersionProvider.version();
        private final java.util.concurrent.atomic.AtomicReference<ListenerCertificate> listener;
        private final java.util.concurrent.atomic.AtomicReference<CarpgateConfig> config;
        private final java.util.concurrent.atomic.AtomicReference<Optional<String>> rejected =
                new java.util.concurrent.atomic.AtomicReference<>(Optional.empty());

        Status(ListenerCertificate listener, CarpgateConfig config) {
            this.listener = new java.util.concurrent.atomic.AtomicReference<>(listener);
            this.config = new java.util.concurrent.atomic.AtomicReference<>(config);
        }

        Overview overview() {
            ListenerCertificate certificate = listener.get();
            return new Overview(version, modeWord(config.get()), certificate.fingerprint().toString(),
                    certificate.notAfter(), rejected.get(), LogSetup.health().problems());
        }
    }

    private static List<String> kindKeys() {
        return java.util.Arrays.stream(io.carpgate.policy.ItemKind.values()).map(io.carpgate.policy.ItemKind::key).toList();
    }

    private static List<String> pairNames(CarpgateConfig config) {
        return config.pairs().stream().map(PairConfig::name).toList();
    }

    private static String modeWord(CarpgateConfig config) {
        return config.mode().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** What a reload did. */
    public sealed interface ReloadResult {
        /** @param needRestart settings that changed but take effect only after a restart */
        record Applied(List<String> needRestart) implements ReloadResult {}

        record Rejected(String reason) implements ReloadResult {}
    }

    public static Running start(CarpgateConfig config, PrintStream out) throws Exception {
        return start(config, out, List.of(), Optional.empty());
    }

    /**
     * @param watchers told of every exchange besides the logs, the metrics and the status page (tests record
     *     exchanges this way instead of reading log files)
     */
    public static Running start(CarpgateConfig config, PrintStream out, List<ExchangeListener> watchers)
            throws Exception {
        return start(config, out, watchers, Optional.empty());
    }

    /** @param warmup how much of a warm-up to run, the first of it before the listener opens (none: start cold) */
    public static Running start(CarpgateConfig config, PrintStream out, List<ExchangeListener> watchers,
                                Optional<Warmup.Plan> warmup) throws Exception {
        PortsFree.check(config);
        listenerCertificate(config, out);
        Status status = new Status(ListenerCertificate.of(config.tls().cert()), config);
        KeyStore keyStore = PemFiles.loadKeyStore(config.tls().cert(), config.tls().key());
        warmup.ifPresent(plan -> Warmup.start(keyStore, PemFiles.keyStorePassword(), status.listener.get().fingerprint(),
                plan, result -> out.println(result.describe())));
        SslContextFactory.Server listenerTls = TlsContexts.server(keyStore, PemFiles.keyStorePassword());

        for (PairConfig pair : config.pairs()) {
            out.println("pair " + pair.name() + " at " + pair.path() + " -> backup " + pair.backup().url() + ": "
                    + describe(pair.backup().trust()));
        }
        out.println("clients: " + config.access().describe());
        // Once each, on the console the admin reads at start (a logger line as well would say it twice).
        for (String warning : warnings(config)) {
            out.println("WARNING: " + warning);
        }
        if (config.access().allowFrom().isEmpty()) {
            LOG.warn("allow-from is not set: only loopback may connect; list the master's address to let it in");
        }
        Metrics metrics = new Metrics(status.version);
        metrics.instrumentJvm();
        metrics.knownPairs(pairNames(config), modeWord(config), kindKeys());
        RecentDecisions recent = new RecentDecisions(RECENT_DECISIONS);
        List<ExchangeListener> listeners = new java.util.ArrayList<>(List.of(new AccessLog(), new DecisionLog(),
                metrics, recent, new ConsoleLines()));
        listeners.addAll(watchers);
        CarpgateServer server = CarpgateServer.start(config, listenerTls, metrics, ExchangeListener.all(listeners));
        Optional<AdminServer> admin = Optional.empty();
        try {
            if (config.admin().isPresent()) {
                admin = Optional.of(AdminServer.start(config.admin().get(), config.adminHostNames(), metrics, server::statuses, recent,
                        status::overview));
                out.println("admin listener on http://" + config.admin().get().host() + ":" + admin.get().port()
                        + "/ (status page, /metrics, /healthz, /readyz)");
            }
        } catch (Exception e) {
            server.close();
            throw e;
        }
        metrics.logWritesFrom(LogSetup::health);
        metrics.certificatesFrom(() -> Optional.of(status.listener.get().notAfter()), server::statuses);
        return new Running(server, admin, metrics, status);
    }

    /** Said at every start and reload: settings that weaken what carpgate protects, values left as in the example. */
    private static List<String> warnings(CarpgateConfig config) {
        return ConfigWarnings.of(config);
    }

    static String describe(UpstreamTrust trust) {
        if (trust instanceof UpstreamTrust.Pin pin) {
            return "certificate pinned to SHA-256 " + pin.sha256();
        }
        if (trust instanceof UpstreamTrust.Ca ca) {
            return "certificate verified against the CAs in " + ca.file() + " and the URL's host name";
        }
        return "certificate NOT verified (backup.insecure)";
    }

    /** Creates a self-signed pair when neither file exists; a half-present pair is an error, never overwritten. */
    private static Fingerprint listenerCertificate(CarpgateConfig config, PrintStream out) throws Exception {
        Path cert = config.tls().cert();
        Path key = config.tls().key();
        boolean haveCert = Files.exists(cert);
        boolean haveKey = Files.exists(key);
        if (!haveCert && !haveKey) {
            Fingerprint created = PemFiles.writeSelfSigned(cert, key, "carpgate", List.of("localhost", "127.0.0.1"));
            out.println("created a self-signed certificate " + cert + " (key " + key + ")");
            out.println("carpgate certificate SHA-256: " + created);
            return created;
        }
        if (haveCert != haveKey) {
            throw new ConfigException(config.source() + ": tls: " + (haveCert ? key : cert) + " is missing while "
                    + (haveCert ? cert : key) + " exists; provide both, or remove both to have carpgate create a pair");
        }
        Fingerprint existing = Fingerprint.of(PemFiles.readCertificates(cert).get(0));
        out.println("carpgate certificate SHA-256: " + existing);
        return existing;
    }
}
