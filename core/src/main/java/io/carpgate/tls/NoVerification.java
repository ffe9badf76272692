package io.carpgate.tls;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Accepts any server certificate. For the three places where that is the point: {@code backup.insecure}
 * (warned at every start), {@code carpgate fingerprint} (it shows a certificate so the admin can decide to
 * pin it), and playing an OPNsense master whose "Verify peer" is off (its default).
 */
public final class NoVerification implements X509TrustManager {

    public static SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new NoVerification()}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // deliberately none: see the class comment
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // not used for clients
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
