package io.carpgate.config;

import java.time.Duration;

/**
 * Sizes and timeouts, with the defaults the README documents.
 *
 * @param carpRefresh how often carpgate reads each backup's CARP state on its own (for the status page,
 *     /readyz and the metrics, which never read it themselves); {@link Duration#ZERO} when off
 * @param bodyBudgetBytes the heap all request bodies in flight may hold together; 0: derived from the heap
 *     ({@link #bodyBudget()})
 * @param maxCallsPerClient the requests one client address may have in a pair's sync path at once
 */
public record Limits(long maxBodyBytes, Duration upstreamConnectTimeout, Duration upstreamTimeout, Duration apiTimeout,
                     Duration carpCacheTtl, Duration clientIdleTimeout, Duration requestReadTimeout, int maxConnections,
                     Duration carpRefresh, Duration tlsHandshakeTimeout, int maxConnectionsPerClient,
                     long bodyBudgetBytes, int maxCallsPerClient) {
    /** The bound on how old a CARP state may be when the gate decides on it. */
    public static final Duration MAX_CARP_CACHE = Duration.ofSeconds(2);
    /** Reading more often than this on its own would only add load on the backup's API. */
    public static final Duration MIN_CARP_REFRESH = Duration.ofSeconds(5);

    public static Limits defaults() {
        return new Limits(64L * 1024 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(120), 256, Duration.ofSeconds(60),
                Duration.ofSeconds(10), 16, 0, 4);
    }

    /**
     * The body budget in effect: as set, or half the heap (-Xmx), and never less than {@code max-body}, so one
     * maximal restore always fits when nothing else is in flight.
     */
    public long bodyBudget() {
        long budget = bodyBudgetBytes > 0 ? bodyBudgetBytes : Runtime.getRuntime().maxMemory() / 2;
        return Math.max(budget, maxBodyBytes);
    }
}
