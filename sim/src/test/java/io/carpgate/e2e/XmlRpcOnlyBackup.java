package io.carpgate.e2e;

import io.carpgate.tls.SelfSigned;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A TLS backup on loopback whose {@code /xmlrpc.php} answers as the test says (to hold an answer, or send it in
 * pieces); every other path, carpgate's own reads of the CARP API among them, gets 404. Its certificate is
 * self-signed: pin {@link #fingerprint()}.
 */
final class XmlRpcOnlyBackup implements AutoCloseable {
    /** What the backup does with a call to /xmlrpc.php, its body already read. */
    interface Answer {
        void answer(Response response, Callback callback) throws Exception;
    }

    private final Server server = new Server();
    private final ServerConnector connector;
    private final SelfSigned.Pair certificate = SelfSigned.generate("slow-backup", List.of("127.0.0.1"));

    XmlRpcOnlyBackup(Answer answer) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(io.carpgate.testkit.SelfSignedKeys.keyStore(certificate));
        tls.setKeyStorePassword(String.valueOf(io.carpgate.testkit.SelfSignedKeys.PASSWORD));
        connector = new ServerConnector(server, tls);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                org.eclipse.jetty.io.Content.Source.consumeAll(request);
                if (!request.getHttpURI().getPath().equals("/xmlrpc.php")) {
                    Response.writeError(request, response, callback, 404);
                    return true;
                }
                answer.answer(response, callback);
                return true;
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("https://127.0.0.1:" + connector.getLocalPort());
    }

    String fingerprint() {
        return certificate.fingerprint().toString();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the test backup did not stop", e);
        }
    }
}
