package io.carpgate.cli;

import io.carpgate.carp.BackupApiClient;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigException;
import io.carpgate.config.UpstreamTrust;
import io.carpgate.config.VhidMap;
import io.carpgate.config.VhidMapLoader;
import io.carpgate.policy.VhidHints;
import io.carpgate.proxy.CarpgateServer;
import io.carpgate.proxy.PolicyMapping;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import io.carpgate.tls.TlsContexts;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a running carpgate from a loaded configuration: certificates, upstream TLS, CARP API client, server. */
public final class Launcher {
    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    private Launcher() {}

    /** A started carpgate; closing it stops the listener and the API client. */
    public record Running(CarpgateServer server, HttpClient apiClient, Fingerprint listenerFingerprint)
            implements AutoCloseable {
        public int port() {
            return server.port();
        }

        @Override
        public void close() throws Exception {
            try {
                server.close();
            } finally {
                apiClient.stop();
            }
        }
    }

    public static Running start(CarpgateConfig config, PrintStream out) throws Exception {
        VhidHints hints = PolicyMapping.hints(loadMap(config));
        Fingerprint listener = listenerCertificate(config, out);
        KeyStore keyStore = PemFiles.loadKeyStore(config.tls().cert(), config.tls().key());
        SslContextFactory.Server listenerTls = TlsContexts.server(keyStore, PemFiles.keyStorePassword());

        out.println("backup " + config.backup().url() + ": " + describe(config.backup().trust()));
        out.println("clients: " + config.access().describe());
        if (config.mode() == io.carpgate.config.Mode.OBSERVE) {
            String warning = "mode: observe - carpgate decides and logs but forwards everything unchanged; "
                    + "WireGuard starts are NOT suppressed";
            LOG.warn(warning);
            out.println("WARNING: " + warning);
        }
        if (config.access().allowFrom().isEmpty()) {
            LOG.warn("allow-from is not set: only loopback may connect; list the master's address to let it in");
        }
        if (config.backup().trust() instanceof UpstreamTrust.Insecure) {
            String warning = "backup.insecure is set: the backup's certificate is NOT verified; anyone on the path "
                    + "can read the sync password and the configuration. Set backup.pin-sha256 (carpgate fingerprint).";
            LOG.warn(warning);
            out.println("WARNING: " + warning);
        }
        SslContextFactory.Client upstreamTls = TlsContexts.client(config.backup().trust());
        HttpClient apiClient = apiClient(TlsContexts.client(config.backup().trust()));
        BackupApiClient carp = new BackupApiClient(apiClient, config.backup().url(),
                config.backup().apiCredentials().key(), config.backup().apiCredentials().secret(),
                config.limits().apiTimeout(), config.limits().carpCacheTtl(), Clock.systemUTC());
        CarpgateServer server;
        try {
            server = CarpgateServer.start(config, listenerTls, upstreamTls, carp, hints);
        } catch (Exception e) {
            apiClient.stop();
            throw e;
        }
        return new Running(server, apiClient, listener);
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

    private static VhidMap loadMap(CarpgateConfig config) throws ConfigException {
        return config.vhidMap().isPresent() ? VhidMapLoader.load(config.vhidMap().get()) : VhidMap.empty();
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

    static HttpClient apiClient(SslContextFactory.Client tls) throws Exception {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        HttpClient client = new HttpClient(new HttpClientTransportDynamic(connector));
        client.setFollowRedirects(false);
        client.start();
        return client;
    }
}
