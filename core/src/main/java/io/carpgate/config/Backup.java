package io.carpgate.config;

import java.net.URI;
import java.util.Locale;

/** The backup: base URL of its web GUI, how to trust it, and its API credentials. */
public record Backup(URI url, UpstreamTrust trust, ApiCredentials apiCredentials) {
    /** {@code url} has no trailing slash (the loader removes it). */
    public URI xmlrpcUri() {
        return URI.create(url + "/xmlrpc.php");
    }

    /**
     * Which backup this is, however its URL is written: {@code https://}, the host without case, and the port unless
     * it is 443 ({@code https://H} and {@code https://h:443} are one backup). What carpgate remembers of a pair, and
     * the rule that two pairs may not share a backup, go by it. A URL written as before keeps its old spelling, so
     * what a running carpgate remembered under it is still found.
     */
    public String identity() {
        int port = url.getPort();
        return "https://" + url.getHost().toLowerCase(Locale.ROOT) + (port == -1 || port == 443 ? "" : ":" + port);
    }
}
