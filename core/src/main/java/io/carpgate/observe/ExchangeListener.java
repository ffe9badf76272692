package io.carpgate.observe;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events of one exchange (an HTTP request to the sync listener and carpgate's answer), as they happen, in
 * the manner of OkHttp's EventListener. The access log, the decision log, the metrics and the status page's
 * recent decisions are listeners; tests add one that records. Listeners are called on the request's own
 * threads and must be quick; none may throw (a throwing one is logged and skipped, the others still run).
 */
public interface ExchangeListener {
    /** carpgate decided the calls of the request ({@link Exchange#calls()}, {@link Exchange#observed()}). */
    default void onDecided(Exchange exchange) {}

    /** The request (as sent, or patched) leaves for the backup. */
    default void onForwarded(Exchange exchange) {}

    /** The request was meant for the backup and did not get there, or its answer did not come back. */
    default void onFailed(Exchange exchange, String reason) {}

    /** The exchange is over: the answer went out (or could not), with everything the logs need. */
    default void onComplete(ExchangeRecord record) {}

    /** One listener that tells each of {@code listeners}, in order, isolating their failures. */
    static ExchangeListener all(List<ExchangeListener> listeners) {
        List<ExchangeListener> each = List.copyOf(listeners);
        Logger log = LoggerFactory.getLogger(ExchangeListener.class);
        return new ExchangeListener() {
            @Override
            public void onDecided(Exchange exchange) {
                each.forEach(l -> safely(l, () -> l.onDecided(exchange)));
            }

            @Override
            public void onForwarded(Exchange exchange) {
                each.forEach(l -> safely(l, () -> l.onForwarded(exchange)));
            }

            @Override
            public void onFailed(Exchange exchange, String reason) {
                each.forEach(l -> safely(l, () -> l.onFailed(exchange, reason)));
            }

            @Override
            public void onComplete(ExchangeRecord record) {
                each.forEach(l -> safely(l, () -> l.onComplete(record)));
            }

            private void safely(ExchangeListener listener, Runnable event) {
                try {
                    event.run();
                } catch (RuntimeException e) {
                    // A sink that fails (a full disk) must not cost the master its answer or the other sinks.
                    log.warn("{} failed: {}", listener.getClass().getSimpleName(), e.toString());
                }
            }
        };
    }
}
