package io.carpgate.runtime;

import io.carpgate.config.CarpgateConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Before anything starts (the pairs' first CARP reads among it, whose warnings would come first and mislead), each
 * port carpgate will listen on is tried once: one in use stops the start with the cause in words. Jetty's own
 * bind still decides; this only makes the common case say what it is.
 */
final class PortsFree {
    private PortsFree() {}

    static void check(CarpgateConfig config) throws IOException {
        check("listen", config.listen());
        if (config.admin().isPresent()) {
            check("admin", config.admin().get());
        }
    }

    private static void check(String key, CarpgateConfig.Listen listen) throws IOException {
        if (listen.port() == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(listen.host()), listen.port()));
        } catch (BindException e) {
            throw new IOException(key + " " + listen.host() + ":" + listen.port() + ": the port is in use ("
                    + e.getMessage() + "): another program, or another carpgate, listens there; stop it or set "
                    + key + ".port to a free port", e);
        }
    }
}
