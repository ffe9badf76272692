package io.carpgate.config;

import io.carpgate.tls.Fingerprint;
import java.nio.file.Path;

/** How carpgate checks the backup's certificate. */
public sealed interface UpstreamTrust {
    /** How the backup is trusted, in the words of the start's and check's console lines. */
    default String describe() {
        if (this instanceof Pin pin) {
            return "certificate pinned to SHA-256 " + pin.sha256();
        }
        if (this instanceof Ca ca) {
            return "certificate verified against the CAs in " + ca.file() + " and the URL's host name";
        }
        return "certificate NOT verified (backup.insecure)";
    }

    /** The leaf certificate's SHA-256 must equal this; the host name is not checked (the pin is stronger). */
    record Pin(Fingerprint sha256) implements UpstreamTrust {}

    /** The chain must end at one of these CAs and the certificate must match the URL's host. */
    record Ca(Path file) implements UpstreamTrust {}

    /** No verification at all; warned about at every start. */
    record Insecure() implements UpstreamTrust {}
}
