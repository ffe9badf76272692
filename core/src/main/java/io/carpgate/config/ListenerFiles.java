package io.carpgate.config;

import io.carpgate.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * {@code tls.cert} and {@code tls.key}: when both exist they must be a PEM certificate and its own key; when neither
 * does, {@code run} creates a self-signed pair there; one without the other is an error.
 */
final class ListenerFiles {
    private ListenerFiles() {}

    static CarpgateConfig.TlsFiles read(Section tls, Path folder) throws ConfigException {
        Path cert = folder.resolve(tls.requiredText("cert", "the PEM certificate file")).normalize();
        Path key = folder.resolve(tls.requiredText("key", "the PEM private key file")).normalize();
        boolean haveCert = Files.exists(cert);
        boolean haveKey = Files.exists(key);
        if (haveCert != haveKey) {
            throw tls.error(tls.valueAt(haveCert ? "key" : "cert"), "tls: " + (haveCert ? key : cert)
                    + " is missing while " + (haveCert ? cert : key) + " exists; provide both, or remove both to have "
                    + "carpgate create a pair");
        }
        if (haveCert) {
            check(tls, "cert", cert, () -> PemFiles.readCertificates(cert));
            check(tls, "key", key, () -> PemFiles.loadKeyStore(cert, key));
        }
        return new CarpgateConfig.TlsFiles(cert, key);
    }

    private interface Read {
        void run() throws IOException, GeneralSecurityException;
    }

    private static void check(Section tls, String which, Path file, Read read) throws ConfigException {
        java.util.Optional<String> unreadable = FileProblem.of(file);
        if (unreadable.isPresent()) {
            throw tls.error(tls.valueAt(which), tls.name(which) + ": " + unreadable.get());
        }
        try {
            read.run();
        } catch (IOException | GeneralSecurityException e) {
            throw tls.error(tls.valueAt(which), tls.name(which) + ": " + FileProblem.pem(file, e));
        }
    }
}
