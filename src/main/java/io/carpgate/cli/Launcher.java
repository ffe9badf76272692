package io.carpgate.cli;

import io.carpgate.admin.AdminServer;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigException;
import io.carpgate.config.ConfigLoader;
import io.carpgate.config.Mode;
import io.carpgate.config.PairConfig;
import io.carpgate.config.UpstreamTrust;
import io.carpgate.observe.AccessLog;
import io.carpgate.observe.ConsoleLines;
import io.carpgate.observe.DecisionLog;
import io.carpgate.observe.ExchangeListener;
import io.carpgate.observe.LogSetup;
import io.carpgate.observe.Metrics;
import io.carpgate.observe.RecentDecisions;
import io.carpgate.proxy.CarpgateServer;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import io.carpgate.tls.TlsContexts;
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
        private volatile Fingerprint listenerFingerprint;

        private Running(CarpgateServer server, Optional<AdminServer> admin, Metrics metrics, Fingerprint listener) {
            this.server = server;
            this.admin = admin;
            this.metrics = metrics;
            this.listenerFingerprint = listener;
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
            return listenerFingerprint;
        }

        /**
         * Reads the configuration file again and applies it. An invalid new version (configuration, map,
         * credentials, certificate) leaves the running one in force and says why; nothing is half applied.
         */
        public synchronized ReloadResult reload(Map<String, String> env) {
            Path source = server.config().source();
            try {
                CarpgateConfig next = ConfigLoader.load(source, env);
                Fingerprint certificate = Fingerprint.of(PemFiles.readCertificates(next.tls().cert()).get(0));
                KeyStore keyStore = PemFiles.loadKeyStore(next.tls().cert(), next.tls().key());
                CarpgateConfig.TlsFiles previousTls = server.config().tls();
                List<String> restart = server.apply(next);
                if (!certificate.equals(listenerFingerprint) && next.tls().equals(previousTls)) {
                    server.replaceCertificate(keyStore, PemFiles.keyStorePassword());
                    listenerFingerprint = certificate;
                    LOG.info("listener certificate replaced; SHA-256 {}", certificate);
                }
                LogSetup.level(next.logs().level());
                metrics.reloaded(true);
                LOG.info("configuration {} reloaded: {} pair(s){}", source, next.pairs().size(),
                        restart.isEmpty() ? "" : "; changed but in force only after a restart: " + String.join(", ", restart));
                warnings(next).forEach(LOG::warn);
                return new ReloadResult.Applied(restart);
            } catch (Exception e) {
                metrics.reloaded(false);
                String reason = e instanceof ConfigException ? e.getMessage() : e.toString();
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

    /** What a reload did. */
    public sealed interface ReloadResult {
        /** @param needRestart settings that changed but take effect only after a restart */
        record Applied(List<String> needRestart) implements ReloadResult {}

        record Rejected(String reason) implements ReloadResult {}
    }

    public static Running start(CarpgateConfig config, PrintStream out) throws Exception {
        return start(config, out, List.of());
    }

    /**
     * @param watchers told of every exchange besides the logs, the metrics and the status page (tests record
     *     exchanges this way instead of reading log files)
     */
    public static Running start(CarpgateConfig config, PrintStream out, List<ExchangeListener> watchers)
            throws Exception {
        Fingerprint listener = listenerCertificate(config, out);
        KeyStore keyStore = PemFiles.loadKeyStore(config.tls().cert(), config.tls().key());
        SslContextFactory.Server listenerTls = TlsContexts.server(keyStore, PemFiles.keyStorePassword());

        for (PairConfig pair : config.pairs()) {
            out.println("pair " + pair.name() + " at " + pair.path() + " -> backup " + pair.backup().url() + ": "
                    + describe(pair.backup().trust()));
        }
        out.println("clients: " + config.access().describe());
        for (String warning : warnings(config)) {
            LOG.warn(warning);
            out.println("WARNING: " + warning);
        }
        if (config.access().allowFrom().isEmpty()) {
            LOG.warn("allow-from is not set: only loopback may connect; list the master's address to let it in");
        }
        Metrics metrics = new Metrics();
        RecentDecisions recent = new RecentDecisions(RECENT_DECISIONS);
        List<ExchangeListener> listeners = new java.util.ArrayList<>(List.of(new AccessLog(), new DecisionLog(),
                metrics, recent, new ConsoleLines()));
        listeners.addAll(watchers);
        CarpgateServer server = CarpgateServer.start(config, listenerTls, metrics, ExchangeListener.all(listeners));
        Optional<AdminServer> admin = Optional.empty();
        try {
            if (config.admin().isPresent()) {
                admin = Optional.of(AdminServer.start(config.admin().get(), metrics, server::statuses, recent));
                out.println("admin listener on http://" + config.admin().get().host() + ":" + admin.get().port()
                        + "/ (status page, /metrics, /healthz, /readyz)");
            }
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return new Running(server, admin, metrics, listener);
    }

    /** Said at every start and reload: settings that weaken what carpgate protects. */
    private static List<String> warnings(CarpgateConfig config) {
        List<String> warnings = new java.util.ArrayList<>();
        if (config.mode() == Mode.OBSERVE) {
            warnings.add("mode: observe - carpgate decides and logs but forwards everything unchanged; "
                    + "WireGuard starts are NOT suppressed");
        }
        for (PairConfig pair : config.pairs()) {
            if (pair.backup().trust() instanceof UpstreamTrust.Insecure) {
                warnings.add("pair " + pair.name() + ": backup.insecure is set: the backup's certificate is NOT "
                        + "verified; anyone on the path can read the sync password and the configuration. "
                        + "Set backup.pin-sha256 (carpgate fingerprint).");
            }
        }
        config.admin().filter(a -> !isLoopback(a.host())).ifPresent(a -> warnings.add("admin listener on " + a.host()
                + ": it is plain HTTP without authentication; keep it on a management network"));
        return warnings;
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost");
    }

    private static String describe(UpstreamTrust trust) {
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
