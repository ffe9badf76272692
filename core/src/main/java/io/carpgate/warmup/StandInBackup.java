package io.carpgate.warmup;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The backup during the warm-up, so that no real backup is contacted: canned answers in the backup's
 * own shapes for {@code /xmlrpc.php} and the two CARP API endpoints (VHID 7 on opt2 MASTER, VHID 2 on
 * lan BACKUP). It checks one thing, that a restore arrives with the instances pointed at its own VIPs
 * (the patch path ran), and answers a restore without that with HTTP 500.
 */
public final class StandInBackup extends Handler.Abstract {
    private static final byte[] VIP_SETTINGS = ("{\"total\":2,\"rowCount\":2,\"current\":1,\"rows\":["
            + "{\"uuid\":\"" + WarmupCalls.VIP_MASTER_ON_BACKUP + "\",\"interface\":\"opt2\",\"mode\":\"carp\","
            + "\"subnet\":\"198.51.100.5/28\",\"vhid\":\"7\",\"descr\":\"WAN2 CARP\"},"
            + "{\"uuid\":\"" + WarmupCalls.VIP_BACKUP_ON_BACKUP + "\",\"interface\":\"lan\",\"mode\":\"carp\","
            + "\"subnet\":\"192.168.1.1/24\",\"vhid\":\"2\",\"descr\":\"LAN CARP\"}]}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] VIP_STATUS = ("{\"total\":2,\"rowCount\":2,\"current\":1,\"rows\":["
            + "{\"interface\":\"WAN2\",\"vhid\":\"7\",\"advbase\":\"1\",\"advskew\":\"100\",\"subnet\":\"198.51.100.5\","
            + "\"status\":\"MASTER\",\"mode\":\"carp\",\"status_txt\":\"MASTER\",\"vhid_txt\":\"7 (freq. 1/100)\"},"
            + "{\"interface\":\"LAN\",\"vhid\":\"2\",\"advbase\":\"1\",\"advskew\":\"100\",\"subnet\":\"192.168.1.1\","
            + "\"status\":\"BACKUP\",\"mode\":\"carp\",\"status_txt\":\"BACKUP\",\"vhid_txt\":\"2 (freq. 1/100)\"}],"
            + "\"carp\":{\"demotion\":\"0\",\"allow\":\"1\",\"maintenancemode\":false}}").getBytes(StandardCharsets.UTF_8);

    private final AtomicInteger rewrittenRestores = new AtomicInteger();

    /** A stand-in backup on a server of its own, on 127.0.0.1 and a port the system picks. */
    public record Serving(Server server, URI url, StandInBackup backup) implements AutoCloseable {
        @Override
        public void close() {
            LifeCycle.stop(server);
        }
    }

    /** @param tls the certificate it presents (clients pin it) */
    public static Serving serve(SslContextFactory.Server tls) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(8, 1);
        threads.setName("stand-in-backup");
        threads.setDaemon(true);
        Server server = new Server(threads);
        ServerConnector connector = connector(server, tls);
        StandInBackup backup = new StandInBackup();
        server.setHandler(backup);
        server.start();
        return new Serving(server, URI.create("https://127.0.0.1:" + connector.getLocalPort()), backup);
    }

    /** Restores that arrived with every instance pointed at this backup's own VIPs. */
    public int rewrittenRestores() {
        return rewrittenRestores.get();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        if (path.equals("/api/interfaces/vip_settings/search_item")) {
            return answer(response, callback, HttpStatus.OK_200, "application/json", VIP_SETTINGS);
        }
        if (path.equals("/api/diagnostics/interface/get_vip_status")) {
            return answer(response, callback, HttpStatus.OK_200, "application/json", VIP_STATUS);
        }
        if (!path.equals("/xmlrpc.php")) {
            return answer(response, callback, HttpStatus.NOT_FOUND_404, "text/plain", new byte[0]);
        }
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        String result;
        if (body.contains("opnsense.restore_config_section")) {
            if (!body.contains(WarmupCalls.VIP_MASTER_ON_BACKUP) || !body.contains(WarmupCalls.VIP_BACKUP_ON_BACKUP)) {
                return answer(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "text/plain", new byte[0]);
            }
            rewrittenRestores.incrementAndGet();
            result = "<boolean>1</boolean>";
        } else if (body.contains("opnsense.restart_service")) {
            result = "<string>Service `wireguard&#039; has been restarted.</string>";
        } else {
            result = "<string>warm-up</string>";
        }
        return answer(response, callback, HttpStatus.OK_200, "text/xml", ("<?xml version=\"1.0\"?>\n<methodResponse>\n"
                + "  <params>\n    <param>\n      <value>\n      " + result + "\n      </value>\n    </param>\n"
                + "  </params>\n</methodResponse>\n").getBytes(StandardCharsets.UTF_8));
    }

    private static boolean answer(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        // Every answer closes its connection, so each warm-up call opens a new one to this backup, TLS handshake and
        // all: the first call of a burst after idle opens one to the real backup, and finds that path compiled
        // (kept-alive connections left carpgate's TLS client handshake interpreted until a sync's first call).
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /** HTTP/1.1 over TLS as carpgate's listener is set up: no SNI needed or checked, no server version. */
    private static ServerConnector connector(Server server, SslContextFactory.Server tls) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        secure.setSniRequired(false);
        http.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        return connector;
    }

}
