package io.carpgate.proxy;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Words for why the proxy→backup hop failed, fit to show the master and the admin (no payload, no secret). */
final class UpstreamFailure {
    private UpstreamFailure() {}

    static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return "backup TLS certificate rejected: " + t.getMessage();
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return "the backup did not answer in time";
            }
            if (t instanceof ConnectException) {
                return "cannot connect to the backup: " + t.getMessage();
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "cannot resolve the backup's address";
            }
            if (t instanceof SSLException) {
                return "TLS with the backup failed: " + t.getMessage();
            }
        }
        return "the backup could not be reached: " + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }
}
