package io.carpgate.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/** Trusts exactly the certificate with this SHA-256 fingerprint (the backup's own, usually self-signed). */
final class PinningTrustManager implements X509TrustManager {
    private final Fingerprint pin;

    PinningTrustManager(Fingerprint pin) {
        this.pin = pin;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the backup presented no certificate");
        }
        if (!Fingerprint.of(chain[0]).equals(pin)) {
            throw new PinMismatchException(pin, chain[0]);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("carpgate does not accept client certificates here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
