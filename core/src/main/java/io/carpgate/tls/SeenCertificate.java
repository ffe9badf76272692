package io.carpgate.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate a backup last presented and carpgate accepted (pin, CA or, when told so, no check): its
 * expiry is a metric, so an admin hears of a backup certificate about to lapse before the pin stops matching
 * a renewed one. Filled by the trust manager of each TLS handshake towards the backup.
 */
public final class SeenCertificate {
    private final AtomicReference<X509Certificate> last = new AtomicReference<>();

    /** When the certificate last accepted expires; empty before the first handshake. */
    public Optional<Instant> notAfter() {
        return Optional.ofNullable(last.get()).map(c -> c.getNotAfter().toInstant());
    }

    /** {@code trust}, noting each server certificate it accepts. */
    X509TrustManager watching(X509TrustManager trust) {
        return new X509TrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                trust.checkServerTrusted(chain, authType);
                if (chain != null && chain.length > 0) {
                    last.set(chain[0]);
                }
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                trust.checkClientTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return trust.getAcceptedIssuers();
            }
        };
    }
}
