package io.carpgate.proxy;

import io.carpgate.observe.Exchange;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.AbstractConnectionPool;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.ssl.SslClientConnectionFactory;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import javax.net.ssl.SSLException;

/**
 * The last stage: sends the request, whose body the earlier stages serve through its own {@code read()}, to
 * the backup's {@code /xmlrpc.php}, and streams the backup's answer back unchanged. Hops as Jetty's
 * ProxyHandler names them: client→proxy is the master's request, proxy→server the call to the backup,
 * server→proxy its answer, proxy→client ours.
 */
final class Forwarder extends ProxyHandler {
    private final org.slf4j.Logger log;
    /** A master (or any allowed client) that hangs up before each answer would otherwise write a line each. */
    private final io.carpgate.observe.RepeatedLine undelivered;
    /** XML-RPC has no standard code for "gateway failed"; this one sits in the spec's server-error range. */
    private static final int FAULT_UPSTREAM = -32300;

    private static final String LAST_BYTE_HANDED = Forwarder.class.getName() + ".lastByteHanded";
    /**
     * How long a connection to the backup stays open unused: through a burst of the master's calls (they follow each
     * other at once), and shorter than lighttpd's own keep-alive idle time (5 s by default), so it is carpgate, not the
     * backup, that closes an idle one: a call never goes out on a connection the backup is closing for idleness.
     */
    static final Duration UPSTREAM_IDLE = Duration.ofSeconds(4);

    private final Upstream upstream;

    /** The backup's XML-RPC endpoint and how to reach it. */
    record Upstream(URI xmlrpc, SslContextFactory.Client tls, Duration connectTimeout, Duration timeout) {}

    Forwarder(Upstream upstream, io.carpgate.observe.Logs logs) {
        this.upstream = upstream;
        this.log = logs.of(Forwarder.class);
        this.undelivered = new io.carpgate.observe.RepeatedLine(log);
        // The backup sees the Host it would see from the master pointed at it directly.
        setProxyToServerHost(upstream.xmlrpc().getRawAuthority());
    }

    /** ProxyHandler configures this client for proxying (no content decoding, proxy protocol handlers). */
    @Override
    protected HttpClient newHttpClient() {
        ClientConnector connector = new HandshakingConnector();
        connector.setSslContextFactory(upstream.tls());
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("carpgate-upstream");
        connector.setExecutor(threads);
        return new HttpClient(new HttpClientTransportDynamic(connector));
    }

    /**
     * Starts each connection's TLS handshake with the backup as soon as its TCP connect completes. Jetty's client
     * otherwise leaves a new engine untouched until the first request is written (its read interest alone sends
     * nothing, and the server speaks only after the ClientHello), so the connection {@link #prepare} opens at the accept
     * would hold just a TCP connect, and the whole handshake would follow the master's request instead of overlapping
     * it ({@code PreparedUpstreamEndToEndTest}). Only the first flight is started earlier; no request byte is sent.
     */
    private static final class HandshakingConnector extends ClientConnector {
        @Override
        public ClientConnectionFactory newSslClientConnectionFactory(SslContextFactory.Client tls,
                                                                     ClientConnectionFactory http) {
            return new SslClientConnectionFactory(tls == null ? getSslContextFactory() : tls, getByteBufferPool(),
                    getExecutor(), http) {
                @Override
                public org.eclipse.jetty.io.Connection customize(org.eclipse.jetty.io.Connection connection,
                                                                 Map<String, Object> context) {
                    org.eclipse.jetty.io.Connection customized = super.customize(connection, context);
                    if (connection instanceof SslConnection tlsConnection) {
                        try {
                            // Before the connection opens: its first read interest then sees NEED_WRAP and flushes the
                            // ClientHello (SslConnection.needsFillInterest), on Jetty's threads.
                            tlsConnection.getSSLEngine().beginHandshake();
                        } catch (SSLException e) {
                            throw new IllegalStateException("cannot start the TLS handshake with the backup", e);
                        }
                    }
                    return customized;
                }
            };
        }
    }

    @Override
    protected void configureHttpClient(HttpClient httpClient) {
        super.configureHttpClient(httpClient);
        httpClient.setConnectTimeout(upstream.connectTimeout().toMillis());
        httpClient.setUserAgentField(null); // the master's User-Agent goes through, not Jetty's
        httpClient.setIdleTimeout(UPSTREAM_IDLE.toMillis());
    }

    /**
     * A connection from an allowed client was accepted: unless one to the backup is idle in the pool or on its way,
     * one is opened now (TCP and TLS handshake), so that it overlaps the master's own handshake and request instead of
     * following them. At most one per accept and only when none is ready, within the client's connection limit.
     */
    synchronized void prepare() { // the check and the pre-create as one step: one pending connection at most
        HttpClient client = getHttpClient();
        if (client == null || !client.isRunning()) {
            return;
        }
        Destination destination = client.resolveDestination(client.newRequest(upstream.xmlrpc()));
        if (destination.getConnectionPool() instanceof AbstractConnectionPool pool
                && pool.getIdleConnectionCount() == 0 && pool.getPendingConnectionCount() == 0) {
            pool.preCreateConnections(1);
        }
    }

    @Override
    protected HttpURI rewriteHttpURI(Request clientToProxyRequest) {
        String query = clientToProxyRequest.getHttpURI().getQuery();
        return HttpURI.build(upstream.xmlrpc()).query(query);
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientToProxyRequest, HttpURI newHttpURI) {
        Exchange exchange = Exchange.of(clientToProxyRequest);
        return super.newProxyToServerRequest(clientToProxyRequest, newHttpURI)
                .timeout(upstream.timeout().toMillis(), TimeUnit.MILLISECONDS)
                // While a call is with the backup its connection may stay silent up to the upstream timeout (a large
                // restore, a slow restart); UPSTREAM_IDLE is for a connection kept open between calls only.
                .idleTimeout(upstream.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .onRequestBegin(request -> exchange.upstreamBegun())
                .onResponseBegin(answer -> exchange.upstreamHead())
                // Once the whole request has gone out, the backup may run it whatever happens to its answer.
                .onRequestSuccess(request -> exchange.sentWhole());
    }

    /**
     * Notes on the proxy→server request when its last byte is handed to the connection. Jetty's request-success
     * event races a backup that reads the whole call and closes or resets at once, and loses: it alone would say
     * "not delivered" of a call the backup has (see {@link #mayHaveRun}).
     */
    @Override
    protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(
            Request clientToProxyRequest, Response proxyToClientResponse,
            org.eclipse.jetty.client.Request proxyToServerRequest) {
        return new ProxyRequestContent(clientToProxyRequest) {
            @Override
            public Content.Chunk read() {
                Content.Chunk chunk = super.read();
                if (chunk != null && chunk.isLast() && !Content.Chunk.isFailure(chunk)) {
                    proxyToServerRequest.attribute(LAST_BYTE_HANDED, Boolean.TRUE);
                }
                return chunk;
            }
        };
    }

    /**
     * Whether the backup may have the whole call: Jetty said so, or the last byte went to a connection whose TLS
     * handshake had finished (before it, a write only waits in the TLS layer and nothing reaches the backup). JSSE
     * names the cipher suite SSL_NULL_WITH_NULL_NULL until the first handshake completes.
     */
    private static boolean mayHaveRun(Exchange exchange, org.eclipse.jetty.client.Request proxyToServerRequest) {
        if (exchange.wasSentWhole()) {
            return true;
        }
        if (!Boolean.TRUE.equals(proxyToServerRequest.getAttributes().get(LAST_BYTE_HANDED))) {
            return false;
        }
        return handshakeFinished(proxyToServerRequest).orElse(true); // not a connection carpgate knows: the safe thing
    }

    /**
     * Whether the TLS handshake of the connection the request went to has finished, when it is a TLS connection of this
     * client. JSSE names the cipher suite SSL_NULL_WITH_NULL_NULL until the first handshake completes.
     */
    private static java.util.Optional<Boolean> handshakeFinished(org.eclipse.jetty.client.Request proxyToServerRequest) {
        if (proxyToServerRequest.getConnection() instanceof org.eclipse.jetty.io.Connection connection
                && connection.getEndPoint() instanceof org.eclipse.jetty.io.ssl.SslConnection.SslEndPoint tls) {
            return java.util.Optional.of(!"SSL_NULL_WITH_NULL_NULL".equals(
                    tls.getSslConnection().getSSLEngine().getSession().getCipherSuite()));
        }
        return java.util.Optional.empty();
    }

    /**
     * A TLS failure on a connection whose handshake never finished is the handshake's failure, and is said so. Jetty
     * names it so itself only on some paths: with the handshake started at the connect ({@link HandshakingConnector}),
     * the response side may get JSSE's bare {@link SSLException} (a backup that answers plain HTTP: "Unrecognized SSL
     * message").
     */
    private static Throwable asHandshakeFailure(Throwable failure, org.eclipse.jetty.client.Request proxyToServerRequest) {
        SSLException tls = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException) {
                return failure;
            }
            if (tls == null && t instanceof SSLException e) {
                tls = e;
            }
        }
        if (tls == null || !handshakeFinished(proxyToServerRequest).map(done -> !done).orElse(false)) {
            return failure;
        }
        return new javax.net.ssl.SSLHandshakeException(tls.getMessage()).initCause(failure);
    }

    /** Only a Via header: the backup learns nothing about the master's address it does not already know. */
    @Override
    protected void addProxyHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        addViaHeader(clientToProxyRequest, proxyToServerRequest);
    }

    @Override
    protected void sendProxyToServerRequest(Request clientToProxyRequest,
                                            org.eclipse.jetty.client.Request proxyToServerRequest,
                                            Response proxyToClientResponse, Callback proxyToClientCallback) {
        Exchange.of(clientToProxyRequest).forwarding();
        super.sendProxyToServerRequest(clientToProxyRequest, proxyToServerRequest, proxyToClientResponse,
                proxyToClientCallback);
    }

    /** When the pair's memory waits for this call, it is settled from what streams back to the master (a copy of it). */
    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
            Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest,
            Response proxyToClientResponse, Callback proxyToClientCallback) {
        Response toMaster = Settling.of(clientToProxyRequest).map(s -> s.capturing(proxyToClientResponse))
                .orElse(proxyToClientResponse);
        return super.newServerToProxyResponseListener(clientToProxyRequest, proxyToServerRequest, toMaster,
                proxyToClientCallback);
    }

    /** The proxy→client hop dates its own response (Jetty adds Date); the backup's would be a second one. */
    @Override
    protected HttpField filterServerToProxyResponseField(HttpField serverToProxyResponseField) {
        return serverToProxyResponseField.getHeader() == HttpHeader.DATE ? null : serverToProxyResponseField;
    }

    @Override
    protected void onProxyToClientResponseComplete(Request clientToProxyRequest,
                                                   org.eclipse.jetty.client.Request proxyToServerRequest,
                                                   org.eclipse.jetty.client.Response serverToProxyResponse,
                                                   Response proxyToClientResponse, Callback proxyToClientCallback) {
        Exchange.of(clientToProxyRequest).upstreamAnswered(serverToProxyResponse.getStatus());
        // Settled already when carpgate handed on the last of the answer (Settling.capturing); this is for an answer
        // whose end came without content. Either way the master's next call waits for the call's turn to end.
        Settling.of(clientToProxyRequest).ifPresent(s -> s.answered(serverToProxyResponse));
        super.onProxyToClientResponseComplete(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
                proxyToClientResponse, proxyToClientCallback);
    }

    @Override
    protected void onProxyToClientResponseFailure(Request clientToProxyRequest,
                                                  org.eclipse.jetty.client.Request proxyToServerRequest,
                                                  org.eclipse.jetty.client.Response serverToProxyResponse,
                                                  Response proxyToClientResponse, Callback proxyToClientCallback,
                                                  Throwable failure) {
        // The backup has run the call and answered; only the way back to the master broke (it went away). The
        // decision stands: the record says what the backup did and that the master never heard it.
        Exchange exchange = Exchange.of(clientToProxyRequest);
        if (serverToProxyResponse != null && serverToProxyResponse.getStatus() > 0) {
            exchange.upstreamAnswered(serverToProxyResponse.getStatus());
            // What of the answer came through is read; a cut-off answer reads as unknown.
            Settling.of(clientToProxyRequest).ifPresent(s -> s.answered(serverToProxyResponse));
        } else {
            if (mayHaveRun(exchange, proxyToServerRequest)) {
                exchange.sentWhole();
            }
            Settling.of(clientToProxyRequest).ifPresent(s -> s.failed(exchange.wasSentWhole(),
                    "the master went away before the backup's answer"));
        }
        exchange.answerNotDelivered("the backup's answer could not be delivered to the master");
        undelivered.warn(exchange.client(), "pair " + exchange.pair() + ": the backup's answer could not be delivered "
                + "to the master: " + failure.getClass().getSimpleName());
        super.onProxyToClientResponseFailure(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
                proxyToClientResponse, proxyToClientCallback, failure);
    }

    /**
     * The backup did not take the call or its answer broke off. Never pretend success: before anything
     * was sent to the master it gets 502 with a fault saying why; after, the connection is aborted.
     */
    @Override
    protected void onServerToProxyResponseFailure(Request clientToProxyRequest,
                                                  org.eclipse.jetty.client.Request proxyToServerRequest,
                                                  org.eclipse.jetty.client.Response serverToProxyResponse,
                                                  Response proxyToClientResponse, Callback proxyToClientCallback,
                                                  Throwable failure) {
        if (serverToProxyResponse != null && serverToProxyResponse.getStatus() > 0
                && !clientToProxyRequest.getConnectionMetaData().getConnection().getEndPoint().isOpen()) {
            // Jetty reports a master that went away while its answer was being written as a failure of this hop;
            // the backup did answer, so that is what the record says.
            onProxyToClientResponseFailure(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
                    proxyToClientResponse, proxyToClientCallback, failure);
            return;
        }
        Exchange exchange = Exchange.of(clientToProxyRequest);
        if (mayHaveRun(exchange, proxyToServerRequest)) {
            exchange.sentWhole();
        }
        UpstreamFailure said = UpstreamFailure.of(asHandshakeFailure(failure, proxyToServerRequest), upstream.timeout(),
                exchange.wasSentWhole());
        Settling.of(clientToProxyRequest).ifPresent(s -> s.failed(exchange.wasSentWhole(), said.reason()));
        exchange.failed(said.reason());
        if (proxyToClientResponse.isCommitted()) {
            proxyToClientCallback.failed(failure);
            return;
        }
        proxyToClientResponse.reset();
        String message = said.fault();
        OwnAnswers.fault(proxyToClientResponse, proxyToClientCallback, HttpStatus.BAD_GATEWAY_502, FAULT_UPSTREAM,
                message);
    }
}
