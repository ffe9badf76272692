package io.carpgate.config;

import java.time.Duration;

/** Sizes and timeouts, with the defaults the README documents. */
public record Limits(long maxBodyBytes, Duration upstreamConnectTimeout, Duration upstreamTimeout, Duration apiTimeout,
                     Duration carpCacheTtl, Duration clientIdleTimeout, Duration requestReadTimeout, int maxConnections) {
    /** The bound on how old a CARP state may be when the gate decides on it. */
    public static final Duration MAX_CARP_CACHE = Duration.ofSeconds(2);

    public static Limits defaults() {
        return new Limits(64L * 1024 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(120), 256);
    }
}
