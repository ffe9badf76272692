package io.carpgate.proxy;

import java.net.URI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A plain HTTP stand-in for the backup on loopback, answering as {@code handler} does; the caller stops it. */
final class StandInBackup {
    private StandInBackup() {}

    static Server start(Handler handler) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        return server;
    }

    /** Where the stand-in takes XML-RPC calls. */
    static URI xmlrpc(Server server) {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort()
                + "/xmlrpc.php");
    }
}
