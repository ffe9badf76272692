package io.carpgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.EphemeralPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * A port carpgate checked free at the start of its start can be taken before its listener opens (the start takes a
 * second or more, and the system hands out ports of its ephemeral range meanwhile): Jetty's bind then fails, and
 * the admin reads which port and why, not Jetty's "Failed to bind".
 */
class PortsFreeTest {
    @Test
    void aPortTakenBeforeTheListenerOpensIsNamedWithTheCause() throws Exception {
        try (ServerSocket taker = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taker.getLocalPort();
            CarpgateConfig.Listen listen = new CarpgateConfig.Listen("127.0.0.1", port);
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(port);
            server.addConnector(connector);
            try {
                assertThatThrownBy(() -> PortsFree.open("listen", listen, () -> {
                    server.start();
                    return server;
                })).isInstanceOf(IOException.class)
                        .hasMessageStartingWith("listen 127.0.0.1:" + port + ": the port was free when carpgate began "
                                + "to start but was taken before it opened it (")
                        .hasMessageContaining(EphemeralPorts.ofThisSystem().filter(r -> r.contains(port)).isPresent()
                                ? "ephemeral port range" : "another program took it meanwhile")
                        .hasMessageEndingWith("set listen.port " + (EphemeralPorts.ofThisSystem()
                                .filter(r -> r.contains(port)).isPresent() ? "outside it" : "to a free port"));
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void otherFailuresOfTheOpeningArePassedOnAsTheyAre() {
        CarpgateConfig.Listen listen = new CarpgateConfig.Listen("127.0.0.1", 8443);
        IOException other = new IOException("the certificate cannot be read");
        assertThatThrownBy(() -> PortsFree.open("listen", listen, () -> {
            throw other;
        })).isSameAs(other);
    }

    @Test
    void anOpeningThatWorksGivesWhatItOpened() throws Exception {
        assertThat(PortsFree.open("admin", new CarpgateConfig.Listen("127.0.0.1", 9180), () -> "opened"))
                .isEqualTo("opened");
    }
}
