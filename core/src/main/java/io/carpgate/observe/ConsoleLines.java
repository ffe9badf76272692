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
            // Control characters from the request (a CR in an id) cannot start a forged line on the console.
            exchange.calls().forEach(c -> LOG.debug("pair {}: {} {}: {} ({}){}", exchange.pair(), oneLine(c.method()),
                    oneLine(c.service().orElse("")), c.action().word(), oneLine(c.reason()),
                    exchange.observed() ? " [observe]" : ""));
        }
    }

    @Override
    public void onFailed(Exchange exchange, String reason) {
        LOG.warn("pair {}: call to the backup failed: {}", exchange.pair(), oneLine(reason));
    }

    static String oneLine(String text) {
        return text.replaceAll("\\p{Cntrl}", "?");
    }
}
