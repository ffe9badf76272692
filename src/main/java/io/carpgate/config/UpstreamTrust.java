package io.carpgate.config;

import io.carpgate.tls.Fingerprint;
import java.nio.file.Path;

/** How carpgate checks the backup's certificate. */
public sealed interface UpstreamTrust {
    /** The leaf certificate's SHA-256 must equal this; the host name is not checked (the pin is stronger). */
    record Pin(Fingerprint sha256) implements UpstreamTrust {}

    /** The chain must end at one of these CAs and the certificate must match the URL's host. */
    record Ca(Path file) implements UpstreamTrust {}

    /** No verification at all; warned about at every start. */
    record Insecure() implements UpstreamTrust {}
}
