package io.carpgate.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * The backup presented a certificate other than the pinned one. Typed, so that whoever sees the handshake fail (the
 * check command, a log line) can say "pin mismatch: expected X, presented Y" instead of "unreachable".
 */
public final class PinMismatchException extends CertificateException {
    private static final long serialVersionUID = 1L;

    private final transient Fingerprint expected;
    private final transient Fingerprint presented;
    private final transient X509Certificate certificate;

    PinMismatchException(Fingerprint expected, X509Certificate certificate) {
        this(expected, Fingerprint.of(certificate), certificate);
    }

    private PinMismatchException(Fingerprint expected, Fingerprint presented, X509Certificate certificate) {
        super("backup certificate SHA-256 " + presented + " does not match the configured pin " + expected);
        this.expected = expected;
        this.presented = presented;
        this.certificate = certificate;
    }

    public Fingerprint expected() {
        return expected;
    }

    public Fingerprint presented() {
        return presented;
    }

    /** The certificate the backup presented (its subject and validity help tell a renewal from an impostor). */
    public X509Certificate certificate() {
        return certificate;
    }
}
