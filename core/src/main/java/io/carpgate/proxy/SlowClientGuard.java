package io.carpgate.proxy;

import io.carpgate.observe.ConnectionDrop;
import io.carpgate.observe.Metrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose request (headers and body) has not fully arrived within a deadline. For a
 * connection's first request the clock starts at the accept, so the TLS handshake counts too (HAProxy's
 * {@code timeout http-request}): handshake, headers and body together get {@code limits.request-read-timeout}.
 *
 * <p>The idle timeout frees a client that stops sending, but not one that trickles a byte just before
 * each timeout: 8 KiB of headers at one byte per 29 s holds a connection and a thread for days. Jetty 12
 * does not enforce its {@code minRequestDataRate}, so this guard looks at each HTTP/1.1 connection's
 * parser once a second: while it is inside a request's headers or body for longer than the deadline,
 * the connection is closed. Between requests (keep-alive) and while the backup works on a call, the
 * parser is not receiving and the clock is not running.
 */
final class SlowClientGuard extends AbstractLifeCycle implements Connection.Listener {
    private static final Duration SWEEP = Duration.ofSeconds(1);

    private final Duration deadline;
    /** What a close is counted and logged as (the sync or the admin listener's). */
    private final ConnectionDrop drop;
    /** The server's own scheduler: the sweep needs no thread of its own. */
    private final Scheduler scheduler;
    private final Metrics metrics;
    private final ThrottledWarnings warnings;
    /** Each open HTTP connection, and since when it has been receiving its current request (0: it is not). */
    private final Map<HttpConnection, Long> receivingSince = new ConcurrentHashMap<>();

    SlowClientGuard(Duration deadline, Scheduler scheduler, Metrics metrics, ThrottledWarnings warnings) {
        this(deadline, ConnectionDrop.REQUEST_READ_TIMEOUT, scheduler, metrics, warnings);
    }

    SlowClientGuard(Duration deadline, ConnectionDrop drop, Scheduler scheduler, Metrics metrics,
                    ThrottledWarnings warnings) {
        this.deadline = deadline;
        this.drop = drop;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.warnings = warnings;
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            // Opened with the TLS connection, at the accept: the first request's clock runs from here.
            receivingSince.put(http, System.nanoTime());
        }
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection instanceof HttpConnection http) {
            receivingSince.remove(http);
        }
    }

    @Override
    protected void doStart() {
        scheduleSweep();
    }

    @Override
    protected void doStop() {
        receivingSince.clear(); // a sweep already scheduled finds the guard stopped and ends the chain
    }

    private void scheduleSweep() {
        scheduler.schedule(() -> {
            if (!isRunning()) {
                return;
            }
            try {
                sweep();
            } finally {
                scheduleSweep();
            }
        }, SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        long now = System.nanoTime();
        receivingSince.replaceAll((connection, since) -> {
            HttpParser parser = connection.getParser();
            boolean first = connection.getMessagesIn() == 0 && (parser.isStart() || receiving(parser));
            if (!first && !receiving(parser)) {
                return 0L;
            }
            if (since == 0L) {
                return now;
            }
            if (now - since > deadline.toNanos()) {
                metrics.connectionDropped(drop);
                warnings.closed(drop,
                        HandshakeGuard.address(connection.getEndPoint().getRemoteSocketAddress()),
                        " (" + deadline.toMillis() / 1000.0 + " s)");
                org.eclipse.jetty.server.Request request = connection.getHttpChannel().getRequest();
                if (request != null) {
                    io.carpgate.observe.Exchange.closedByCarpgate(request, drop);
                }
                connection.getEndPoint().close();
                return 0L;
            }
            return since;
        });
    }

    /** Inside a request: past its first byte, not yet at its end. Read without locking: a heuristic is enough. */
    private static boolean receiving(HttpParser parser) {
        return !parser.isStart() && !parser.isClosed() && (parser.inHeaderState() || parser.inContentState());
    }
}
