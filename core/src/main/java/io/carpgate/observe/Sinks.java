package io.carpgate.observe;

import java.util.List;

/**
 * What a server tells of its work: every exchange (the access log, the decision log, the metrics, the recent
 * decisions, the console, and tests' watchers), its counters, and its own log lines. The running carpgate hands
 * its sinks to its server; a private one (the warm-up's) gets {@link #none()}.
 *
 * @param exchanges told of every exchange on the sync listener
 * @param metrics the counters and gauges the admin listener serves
 * @param logs the server's own lines
 */
public record Sinks(ExchangeListener exchanges, Metrics metrics, Logs logs) {
    /** Nothing reaches a log, the admin listener or the status page: the counters are kept where no one reads. */
    public static Sinks none() {
        return new Sinks(ExchangeListener.all(List.of()), new Metrics("none"), Logs.NONE);
    }
}
