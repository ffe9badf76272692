package io.carpgate.config;

import java.net.URI;

/** The backup: base URL of its web GUI, how to trust it, and its API credentials. */
public record Backup(URI url, UpstreamTrust trust, ApiCredentials apiCredentials) {
    /** {@code url} has no trailing slash (the loader removes it). */
    public URI xmlrpcUri() {
        return URI.create(url + "/xmlrpc.php");
    }
}
