package io.carpgate.runtime;

import io.carpgate.config.CarpgateConfig;
import io.carpgate.config.EphemeralPorts;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * Before anything starts (the pairs' first CARP reads among it, whose warnings would come first and mislead), each
 * port carpgate will listen on is tried once: one in use stops the start with the cause in words. Jetty's own
 * bind still decides; this only makes the common case say what it is, and {@link #open} says it when the port is
 * taken after all between this check and the listener's opening.
 */
final class PortsFree {
    private PortsFree() {}

    static void check(CarpgateConfig config) throws IOException {
        check("listen", config.listen());
        if (config.admin().isPresent()) {
            check("admin", config.admin().get());
        }
    }

    /** What opens a listener (Jetty's bind). */
    @FunctionalInterface
    interface Opening<T> {
        T open() throws Exception;
    }

    /**
     * Opens the listener {@link #check} found free. A bind that fails now says which port, and why it may have
     * been taken meanwhile; any other failure is passed on as it is.
     */
    static <T> T open(String key, CarpgateConfig.Listen listen, Opening<T> opening) throws Exception {
        try {
            return opening.open();
        } catch (IOException e) {
            Optional<BindException> bind = bindCause(e);
            if (bind.isEmpty() || listen.port() == 0) {
                throw e;
            }
            String why = EphemeralPorts.ofThisSystem().filter(range -> range.contains(listen.port()))
                    .map(range -> "it is in this system's ephemeral port range (" + range + "), from which outgoing "
                            + "connections and carpgate's own warm-up are given ports: set " + key
                            + ".port outside it")
                    .orElse("another program took it meanwhile: start carpgate again, or set " + key
                            + ".port to a free port");
            throw new IOException(key + " " + listen.host() + ":" + listen.port() + ": the port was free when carpgate "
                    + "began to start but was taken before it opened it (" + bind.get().getMessage() + "); " + why, e);
        }
    }

    private static Optional<BindException> bindCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException bind) {
                return Optional.of(bind);
            }
        }
        return Optional.empty();
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
