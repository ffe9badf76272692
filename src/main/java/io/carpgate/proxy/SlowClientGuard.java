package io.carpgate.proxy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request (headers and body) has not fully arrived within a deadline.
 *
 * <p>The idle timeout frees a client that stops sending, but not one that trickles a byte just before
 * each timeout: 8 KiB of headers at one byte per 29 s holds a connection and a thread for days. Jetty 12
 * does not enforce its {@code minRequestDataRate}, so this guard looks at each HTTP/1.1 connection's
 * parser once a second: while it is inside a request's headers or body for longer than the deadline,
 * the connection is closed. Between requests (keep-alive) and while the backup works on a call, the
 * parser is not receiving and the clock is not running.
 */
final class SlowClientGuard extends AbstractLifeCycle implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(SlowClientGuard.class);
    private static final Duration SWEEP = Duration.ofSeconds(1);

    private final Duration deadline;
    /** The server's own scheduler: the sweep needs no thread of its own. */
    private final Scheduler scheduler;
    /** Each open HTTP connection, and since when it has been receiving its current request (0: it is not). */
    private final Map<HttpConnection, Long> receivingSince = new ConcurrentHashMap<>();

    SlowClientGuard(Duration deadline, Scheduler scheduler) {
        this.deadline = deadline;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            receivingSince.put(http, 0L);
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

    int open() {
        return receivingSince.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        receivingSince.replaceAll((connection, since) -> {
            if (!receiving(connection.getParser())) {
                return 0L;
            }
            if (since == 0L) {
                return now;
            }
            if (now - since > deadline.toNanos()) {
                LOG.warn("closed the connection from {}: its request did not fully arrive within {} s "
                                + "(limits.request-read-timeout)", connection.getEndPoint().getRemoteSocketAddress(),
                        deadline.toSeconds());
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
