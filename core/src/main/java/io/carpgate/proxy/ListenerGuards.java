package io.carpgate.proxy;

import io.carpgate.config.Access;
import io.carpgate.observe.ConnectionDrop;
import io.carpgate.observe.Logs;
import io.carpgate.observe.Metrics;
import java.time.Duration;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The guards of carpgate's listeners, the sync one's and the admin one's, so that a client can
 * hold no more of it than its share, and not for ever: a share per address checked at the accept ({@link ClientGate},
 * closed at once past it), a deadline for a request to arrive counted from the accept, which trickling bytes does not
 * extend ({@link SlowClientGuard}), and Jetty's cap on open connections (past it Jetty accepts no more until one
 * closes; the rest wait in the kernel's queue). Closes are counted and logged (once a minute per reason) as the sync
 * listener's are, under the reasons given.
 */
public final class ListenerGuards {
    /**
     * @param total the most connections open at once
     * @param perAddress the most one address may hold
     * @param requestRead how long a request (headers and body) may take to arrive, from the accept for the first one
     * @param overShare what a close at the accept is counted as
     * @param tooSlow what a close of a slow request is counted as
     */
    public record Limits(int total, int perAddress, Duration requestRead, ConnectionDrop overShare,
                         ConnectionDrop tooSlow) {
        public Limits {
            if (total < 1 || perAddress < 1 || perAddress > total || requestRead.isNegative() || requestRead.isZero()) {
                throw new IllegalArgumentException("limits must be positive, and one address's share at most the total");
            }
        }
    }

    private ListenerGuards() {}

    /** Guards {@code connector}, before {@code server} starts. */
    public static void guard(Server server, ServerConnector connector, Limits limits, Metrics metrics, Logs logs) {
        ThrottledWarnings warnings = new ThrottledWarnings(logs);
        guard(server, connector, new ClientGate(new ClientGate.Rules(Access.anyAddress(), limits.perAddress()),
                        limits.overShare(), metrics, warnings),
                new SlowClientGuard(limits.requestRead(), limits.tooSlow(), server.getScheduler(), metrics, warnings),
                limits.total());
    }

    /**
     * The guards every listener of carpgate's has, the sync listener's too (which keeps its {@code gate} to give it
     * a reload's rules, and adds its TLS handshake's deadline): who may connect and how often at the accept, the
     * request's deadline, and Jetty's cap on open connections ({@code total}; the rest wait in the kernel's queue).
     */
    static void guard(Server server, ServerConnector connector, ClientGate gate, SlowClientGuard slow, int total) {
        connector.getSelectorManager().addEventListener(gate);
        connector.addEventListener(slow);
        server.addBean(slow);
        server.addBean(new NetworkConnectionLimit(total, connector));
    }
}
