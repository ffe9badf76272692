package io.carpgate.proxy;

import io.carpgate.carp.CarpSource;
import io.carpgate.config.CarpgateConfig;
import io.carpgate.observe.RequestLogs;
import io.carpgate.policy.VhidHints;
import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Puts the pieces together: the TLS listener, the {@link SyncProxy}, its upstream client and the logs. */
public final class CarpgateServer implements AutoCloseable {
    /** How long a stop waits for calls in flight; the master's own timeout is 60 s. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final Server server;
    private final ServerConnector connector;

    private CarpgateServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * @param upstreamTls TLS towards the backup, trusting it as configured (pin, CA or insecure)
     * @param carp        the live CARP view
     */
    public static CarpgateServer start(CarpgateConfig config, SslContextFactory.Server listenerTls,
                                       SslContextFactory.Client upstreamTls, CarpSource carp, VhidHints hints)
            throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("carpgate");
        Server server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Masters connect by IP with no SNI, and the certificate is usually self-signed for another name.
        secure.setSniHostCheck(false);
        secure.setSniRequired(false);
        http.addCustomizer(secure);

        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(listenerTls, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost(config.listen().host());
        connector.setPort(config.listen().port());
        connector.setIdleTimeout(config.limits().clientIdleTimeout().toMillis());
        server.addConnector(connector);

        Gatekeeper gatekeeper = new Gatekeeper(hints, carp, config.onUnknownCarp());
        SyncProxy.Upstream upstream = new SyncProxy.Upstream(config.backup().xmlrpcUri(), upstreamTls,
                config.limits().upstreamConnectTimeout(), config.limits().upstreamTimeout());
        SyncProxy proxy = new SyncProxy(upstream, config.limits().maxBodyBytes(), gatekeeper, config.access(),
                config.mode());
        // On stop, calls already with the backup finish (up to the stop timeout); new ones are refused.
        server.setHandler(new GracefulHandler(proxy));
        server.setRequestLog(new RequestLogs());
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        server.start();
        return new CarpgateServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
