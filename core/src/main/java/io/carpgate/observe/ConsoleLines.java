package io.carpgate.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** carpgate's own console: a WARN when a call does not reach the backup, a DEBUG line per decided call. */
public final class ConsoleLines implements ExchangeListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleLines.class);

    @Override
    public void onDecided(Exchange exchange) {
        if (LOG.isDebugEnabled()) {
            // Names, ids and reasons only, as in the decision log: never a value from the payload.
            // A line end from the request (an LF or U+2028 in a method name or id) cannot start a forged line.
            exchange.calls().forEach(c -> LOG.debug("pair {}: {} {}: {} ({}){}", exchange.pair(),
                    LogText.oneLine(c.method()), LogText.oneLine(c.service().orElse("")), c.action().word(),
                    LogText.oneLine(c.reason()), exchange.observed() ? " [observe]" : ""));
        }
    }

    @Override
    public void onFailed(Exchange exchange, String reason) {
        LOG.warn("pair {}: call to the backup failed: {}", exchange.pair(), LogText.oneLine(reason));
    }
}
