package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.config.Access;
import io.carpgate.config.Cidr;
import io.carpgate.observe.Metrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The accept hook that starts the pairs' CARP reads: only for a connection the gate admits. A stranger, or an
 * address over its share, is closed before anything runs for it (so it drives no API read at all).
 */
class ClientGateTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void anAdmittedConnectionTellsTheHookOnceAndAStrangerNever() throws Exception {
        AtomicInteger told = new AtomicInteger();
        Access othersOnly = new Access(Optional.of(List.of(Cidr.parse("192.0.2.1/32"))), Optional.empty());
        ClientGate gate = new ClientGate(new ClientGate.Rules(othersOnly, 4), new Metrics("test"), new ThrottledWarnings(io.carpgate.observe.Logs.NONE));
        gate.whenAdmitted(told::incrementAndGet);

        for (int i = 0; i < 10; i++) {
            SocketChannel stranger = accepted();
            gate.onAccepting(stranger);
            assertThat(stranger.isOpen()).as("a stranger is closed at the accept").isFalse();
        }
        assertThat(told).as("no stranger's connection starts anything").hasValue(0);

        gate.replace(new ClientGate.Rules(Access.loopbackOnly(), 4));
        SocketChannel allowed = accepted();
        gate.onAccepting(allowed);
        assertThat(allowed.isOpen()).isTrue();
        assertThat(told).as("an admitted connection tells the hook once").hasValue(1);
    }

    @Test
    void aConnectionOverTheShareTellsTheHookNothing() throws Exception {
        AtomicInteger told = new AtomicInteger();
        ClientGate gate = new ClientGate(new ClientGate.Rules(Access.loopbackOnly(), 2), new Metrics("test"),
                new ThrottledWarnings(io.carpgate.observe.Logs.NONE));
        gate.whenAdmitted(told::incrementAndGet);
        for (int i = 0; i < 5; i++) {
            gate.onAccepting(accepted());
        }
        assertThat(told).as("two admitted, three over the share of 2").hasValue(2);
        assertThat(gate.held(InetAddress.getLoopbackAddress())).isEqualTo(2);
    }

    @Test
    void aHookThatFailsNeitherRefusesNorLeaksTheConnection() throws Exception {
        ClientGate gate = new ClientGate(new ClientGate.Rules(Access.loopbackOnly(), 2), new Metrics("test"),
                new ThrottledWarnings(io.carpgate.observe.Logs.NONE));
        gate.whenAdmitted(() -> {
            throw new IllegalStateException("cannot start a read");
        });
        SocketChannel channel = accepted();
        gate.onAccepting(channel);
        assertThat(channel.isOpen()).isTrue();
        assertThat(gate.held(InetAddress.getLoopbackAddress())).isEqualTo(1);
        gate.onClosed(channel);
        assertThat(gate.held(InetAddress.getLoopbackAddress())).isZero();
    }

    /** The server side of a real loopback connection, as the selector hands it to the gate. */
    private SocketChannel accepted() throws Exception {
        if (open.isEmpty()) {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            open.add(server);
        }
        ServerSocketChannel server = (ServerSocketChannel) open.get(0);
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        open.add(client);
        SocketChannel accepted = server.accept();
        open.add(accepted);
        return accepted;
    }
}
