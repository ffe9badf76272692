package io.carpgate.proxy;

import io.carpgate.config.Access;
import io.carpgate.observe.ConnectionDrop;
import io.carpgate.observe.Metrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.SelectorManager;

/**
 * The first check, when a connection is accepted and before any TLS byte is read: an address outside
 * {@code allow-from}, or one already holding {@code limits.max-connections-per-client} connections, is closed at
 * once (a reset: nothing is kept for it, not even TIME_WAIT). A stranger trickling a ClientHello therefore costs
 * carpgate an accept and a close, never a slot, a buffer or a thread. {@link AccessGuard} still checks the
 * address (and the user) on every request, as a second line.
 */
final class ClientGate implements SelectorManager.AcceptListener {
    /** What is in force: a reload replaces both at once. */
    record Rules(Access access, int perClient) {}

    private final AtomicReference<Rules> rules;
    /** What a close of an address over its share is counted and logged as (the sync or the admin listener's). */
    private final ConnectionDrop overShare;
    private final Metrics metrics;
    private final ThrottledWarnings warnings;
    /** The address of each connection admitted and still open. */
    private final Map<SelectableChannel, InetAddress> admitted = new ConcurrentHashMap<>();
    /** How many connections each address holds; an address with none has no entry. */
    private final Map<InetAddress, Integer> held = new ConcurrentHashMap<>();
    /** Told of each connection admitted (an allowed address within its share), before any TLS byte is read. */
    private final AtomicReference<Runnable> onAdmitted = new AtomicReference<>(() -> { });

    ClientGate(Rules rules, Metrics metrics, ThrottledWarnings warnings) {
        this(rules, ConnectionDrop.PER_CLIENT_LIMIT, metrics, warnings);
    }

    ClientGate(Rules rules, ConnectionDrop overShare, Metrics metrics, ThrottledWarnings warnings) {
        this.rules = new AtomicReference<>(rules);
        this.overShare = overShare;
        this.metrics = metrics;
        this.warnings = warnings;
    }

    void replace(Rules next) {
        rules.set(next);
    }

    /**
     * What to do for each admitted connection: the server starts its pairs' CARP reads there, so that a read overlaps
     * the master's TLS handshake and request instead of following them. Called on the accepting thread: it must only
     * start work, never wait.
     */
    void whenAdmitted(Runnable action) {
        onAdmitted.set(action);
    }

    @Override
    public void onAccepting(SelectableChannel channel) {
        Optional<InetAddress> client = remote(channel);
        Rules now = rules.get();
        if (client.isEmpty() || !now.access().addressAllowed(client.get())) {
            drop(channel, ConnectionDrop.NOT_ALLOWED, client, "");
            return;
        }
        boolean[] over = {false};
        held.compute(client.get(), (address, count) -> {
            int current = count == null ? 0 : count;
            if (current >= now.perClient()) {
                over[0] = true;
                return count;
            }
            return current + 1;
        });
        if (over[0]) {
            drop(channel, overShare, client, " (" + now.perClient() + ")");
            return;
        }
        admitted.put(channel, client.get());
        try {
            onAdmitted.get().run();
        } catch (RuntimeException e) {
            // A CARP read that cannot start now is started by the decision that needs it; the connection goes on.
        }
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        release(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        release(channel);
    }

    /** Connections open from {@code client} (for tests and the soak). */
    int held(InetAddress client) {
        return held.getOrDefault(client, 0);
    }

    private void release(SelectableChannel channel) {
        InetAddress client = admitted.remove(channel);
        if (client != null) {
            held.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
        }
    }

    private void drop(SelectableChannel channel, ConnectionDrop drop, Optional<InetAddress> client, String detail) {
        metrics.connectionDropped(drop);
        warnings.closed(drop, client.map(InetAddress::getHostAddress).orElse("an unknown address"), detail);
        try {
            if (channel instanceof SocketChannel socket) {
                socket.setOption(StandardSocketOptions.SO_LINGER, 0); // a reset, and no TIME_WAIT kept for a stranger
            }
        } catch (IOException | UnsupportedOperationException e) {
            // closing is what matters
        }
        try {
            channel.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private static Optional<InetAddress> remote(SelectableChannel channel) {
        try {
            SocketAddress remote = channel instanceof SocketChannel socket ? socket.getRemoteAddress() : null;
            return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                    ? Optional.of(inet.getAddress()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
