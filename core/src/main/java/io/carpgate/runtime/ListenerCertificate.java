package io.carpgate.runtime;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.ConfigException;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** The certificate the masters connect to: its pin, and when it expires (both on the status page). */
record ListenerCertificate(Fingerprint fingerprint, Instant notAfter) {
    static ListenerCertificate of(Path file) throws IOException, GeneralSecurityException {
        X509Certificate certificate = PemFiles.readCertificates(file).get(0);
        return new ListenerCertificate(Fingerprint.of(certificate), certificate.getNotAfter().toInstant());
    }

    /** Creates a self-signed pair when neither file exists; a half-present pair is an error, never overwritten. */
    static void ensure(CarpgateConfig config, PrintStream out) throws Exception {
        Path cert = config.tls().cert();
        Path key = config.tls().key();
        boolean haveCert = Files.exists(cert);
        boolean haveKey = Files.exists(key);
        if (!haveCert && !haveKey) {
            Fingerprint created = PemFiles.writeSelfSigned(cert, key, "carpgate", List.of("localhost", "127.0.0.1"));
            out.println("created a self-signed certificate " + cert + " (key " + key + ")");
            out.println("carpgate certificate SHA-256: " + created);
            return;
        }
        if (haveCert != haveKey) {
            throw new ConfigException(config.source() + ": tls: " + (haveCert ? key : cert) + " is missing while "
                    + (haveCert ? cert : key) + " exists; provide both, or remove both to have carpgate create a pair");
        }
        out.println("carpgate certificate SHA-256: " + Fingerprint.of(PemFiles.readCertificates(cert).get(0)));
    }
}
