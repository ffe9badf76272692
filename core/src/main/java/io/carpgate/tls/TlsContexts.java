package io.carpgate.tls;

import io.carpgate.config.UpstreamTrust;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** TLS for both hops: the listener the master connects to, and the client towards the backup. */
public final class TlsContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * The listener's suites: forward-secret AEAD only. TLS 1.3's three, and for TLS 1.2 ECDHE with AES-GCM or
     * ChaCha20-Poly1305, for ECDSA keys (carpgate's own) and RSA keys (an operator's). OPNsense's curl offers
     * these; CBC and static-RSA suites, which Jetty's defaults would still allow, are left out.
     */
    static final String[] LISTENER_CIPHER_SUITES = {
        "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    };

    private TlsContexts() {}

    /** TLS 1.3 and 1.2 only, with {@link #LISTENER_CIPHER_SUITES}. */
    public static SslContextFactory.Server server(KeyStore keyStore, char[] password) {
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStore(keyStore);
        factory.setKeyStorePassword(new String(password));
        factory.setIncludeProtocols(PROTOCOLS);
        factory.setIncludeCipherSuites(LISTENER_CIPHER_SUITES);
        factory.setSniRequired(false);
        return factory;
    }

    public static SslContextFactory.Client client(UpstreamTrust trust) throws IOException, GeneralSecurityException {
        return client(trust, new SeenCertificate());
    }

    /** @param seen told of every backup certificate this context accepts (for its expiry metric) */
    public static SslContextFactory.Client client(UpstreamTrust trust, SeenCertificate seen)
            throws IOException, GeneralSecurityException {
        SslContextFactory.Client factory = new SslContextFactory.Client();
        factory.setIncludeProtocols(PROTOCOLS);
        X509TrustManager manager;
        if (trust instanceof UpstreamTrust.Pin pin) {
            manager = new PinningTrustManager(pin.sha256());
            factory.setEndpointIdentificationAlgorithm(null); // the pin names the certificate itself
        } else if (trust instanceof UpstreamTrust.Ca ca) {
            manager = caTrust(PemFiles.readCertificates(ca.file()));
            factory.setEndpointIdentificationAlgorithm("HTTPS");
        } else {
            manager = new NoVerification();
            factory.setEndpointIdentificationAlgorithm(null);
            factory.setTrustAll(true);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {seen.watching(manager)}, new SecureRandom());
        factory.setSslContext(context);
        return factory;
    }

    private static X509TrustManager caTrust(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager available");
    }
}
