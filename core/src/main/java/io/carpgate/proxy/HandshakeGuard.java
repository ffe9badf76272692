package io.carpgate.proxy;

import io.carpgate.observe.ConnectionDrop;
import io.carpgate.observe.Metrics;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose TLS handshake has not finished within {@code limits.tls-handshake-timeout} of its
 * accept. The idle timeout restarts with every byte, so a client sending one byte of its ClientHello every few
 * seconds would otherwise hold a connection for ever; this deadline counts from the accept and nothing extends it.
 */
final class HandshakeGuard implements Connection.Listener {
    private final Duration deadline;
    private final Scheduler scheduler;
    private final Metrics metrics;
    private final ThrottledWarnings warnings;
    private final Map<SslConnection, Pending> pending = new ConcurrentHashMap<>();

    HandshakeGuard(Duration deadline, Scheduler scheduler, Metrics metrics, ThrottledWarnings warnings) {
        this.deadline = deadline;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.warnings = warnings;
    }

    /** One connection's handshake clock, stopped by the handshake's end or the connection's. */
    private final class Pending implements SslHandshakeListener {
        private final SslConnection connection;
        private volatile Scheduler.Task expiry;

        Pending(SslConnection connection) {
            this.connection = connection;
        }

        @Override
        public void handshakeSucceeded(Event event) {
            stop(connection);
        }

        @Override
        public void handshakeFailed(Event event, Throwable failure) {
            stop(connection);
        }

        void expire() {
            if (pending.remove(connection) == null) {
                return; // finished just now
            }
            metrics.connectionDropped(ConnectionDrop.TLS_HANDSHAKE_TIMEOUT);
            warnings.closed(ConnectionDrop.TLS_HANDSHAKE_TIMEOUT, address(connection.getEndPoint().getRemoteSocketAddress()),
                    " (" + deadline.toMillis() / 1000.0 + " s)");
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof SslConnection ssl) {
            Pending clock = new Pending(ssl);
            pending.put(ssl, clock);
            ssl.addHandshakeListener(clock);
            long left = deadline.toMillis() - (System.currentTimeMillis() - ssl.getCreatedTimeStamp());
            clock.expiry = scheduler.schedule(clock::expire, Math.max(0, left), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection instanceof SslConnection ssl) {
            stop(ssl);
        }
    }

    /** Connections whose handshake is still running (for tests). */
    int handshaking() {
        return pending.size();
    }

    private void stop(SslConnection connection) {
        Pending clock = pending.remove(connection);
        if (clock != null && clock.expiry != null) {
            clock.expiry.cancel();
        }
    }

    static String address(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(remote);
    }
}
