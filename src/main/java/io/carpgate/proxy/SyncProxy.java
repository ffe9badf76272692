package io.carpgate.proxy;

import io.carpgate.config.Access;
import io.carpgate.config.Mode;
import io.carpgate.observe.Exchange;
import java.util.Optional;
import io.carpgate.policy.Gate;
import io.carpgate.policy.Verdict;
import io.carpgate.xmlrpc.BackupReader;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.ReadResult;
import io.carpgate.xmlrpc.XmlRpcResponses;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync path. Hops as Jetty's ProxyHandler names them: client→proxy is the master's request,
 * proxy→server the call to the backup's {@code /xmlrpc.php}, server→proxy its answer, proxy→client ours.
 *
 * <p>carpgate reads the whole body first (it must know what the backup would run before anything is
 * sent), lets the {@link Gatekeeper} decide, then either answers itself (suppress, reject) or hands the
 * exact bytes — the master's, or the master's with strings replaced in place — to the ProxyHandler
 * machinery, which forwards them with the master's headers and streams the backup's answer back unchanged.
 */
public final class SyncProxy extends ProxyHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SyncProxy.class);
    private static final String ENDPOINT = "/xmlrpc.php";
    private static final String BODY = SyncProxy.class.getName() + ".body";
    private static final String XML = "text/xml";
    /** XML-RPC has no standard code for "gateway failed"; this one sits in the spec's server-error range. */
    private static final int FAULT_UPSTREAM = -32300;

    private final Upstream upstream;
    private final long maxBody;
    private final Gatekeeper gatekeeper;
    private final Access access;
    private final boolean observeOnly;

    /** The backup's XML-RPC endpoint and how to reach it. */
    public record Upstream(URI xmlrpc, SslContextFactory.Client tls, Duration connectTimeout, Duration timeout) {}

    public SyncProxy(Upstream upstream, long maxBody, Gatekeeper gatekeeper, Access access, Mode mode) {
        this.observeOnly = mode == Mode.OBSERVE;
        this.upstream = upstream;
        this.maxBody = maxBody;
        this.gatekeeper = gatekeeper;
        this.access = access;
        // The backup sees the Host it would see from the master pointed at it directly.
        setProxyToServerHost(upstream.xmlrpc().getRawAuthority());
    }

    /** ProxyHandler configures this client for proxying (no content decoding, proxy protocol handlers). */
    @Override
    protected HttpClient newHttpClient() {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(upstream.tls());
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("carpgate-upstream");
        connector.setExecutor(threads);
        return new HttpClient(new HttpClientTransportDynamic(connector));
    }

    @Override
    protected void configureHttpClient(HttpClient httpClient) {
        super.configureHttpClient(httpClient);
        httpClient.setConnectTimeout(upstream.connectTimeout().toMillis());
        httpClient.setUserAgentField(null); // the master's User-Agent goes through, not Jetty's
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.BLOCKING; // reading the body and asking the CARP API block this thread
    }

    @Override
    public boolean handle(Request clientToProxyRequest, Response proxyToClientResponse, Callback proxyToClientCallback) {
        Exchange exchange = Exchange.of(clientToProxyRequest).orElseGet(() -> Exchange.begin(clientToProxyRequest));
        Optional<String> refusal = AccessCheck.refusal(clientToProxyRequest, access);
        if (refusal.isPresent()) {
            // Decided before a byte of the body is read: an unknown client gets nothing from carpgate or the backup.
            LOG.warn("refused {}: {}", Request.getRemoteAddr(clientToProxyRequest), refusal.get());
            exchange.decided(List.of(Rejections.notAllowed(refusal.get())));
            closeAfterAnswer(proxyToClientResponse);
            answerFault(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, HttpStatus.FORBIDDEN_403,
                    -32600, "carpgate refused the request, nothing was sent to the backup: " + refusal.get());
            return true;
        }
        String path = clientToProxyRequest.getHttpURI().getPath();
        // The master appends xmlrpc.php to whatever base URL it was given: any prefix reaches the one backup.
        if (path == null || !path.endsWith(ENDPOINT)) {
            closeAfterAnswer(proxyToClientResponse);
            Response.writeError(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, HttpStatus.NOT_FOUND_404);
            return true;
        }
        String encoding = clientToProxyRequest.getHeaders().get(HttpHeader.CONTENT_ENCODING);
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            closeAfterAnswer(proxyToClientResponse);
            answerFault(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, HttpStatus.UNSUPPORTED_MEDIA_TYPE_415,
                    -32700, "carpgate cannot inspect a body with Content-Encoding " + encoding + "; nothing was sent");
            return true;
        }
        long declared = clientToProxyRequest.getLength();
        if (declared > maxBody) {
            closeAfterAnswer(proxyToClientResponse);
            tooLarge(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback);
            return true;
        }
        byte[] body;
        try {
            body = readBody(clientToProxyRequest);
        } catch (BodyTooLarge e) {
            closeAfterAnswer(proxyToClientResponse);
            tooLarge(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback);
            return true;
        } catch (IOException e) {
            LOG.info("reading the request from {} failed: {}", Request.getRemoteAddr(clientToProxyRequest), e.getMessage());
            proxyToClientCallback.failed(e);
            return true;
        }
        exchange.bodyBytes(body.length);
        if (body.length == 0) {
            // No call to judge: the backup answers a bodyless request itself (as it does for a GET).
            return forward(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, List.of(ByteBuffer.wrap(body)));
        }
        // Only what the gate reads is kept: a 50 MiB restore's tree would otherwise outweigh the body.
        ReadResult read = BackupReader.read(body, Gate.READS);
        if (observeOnly) {
            // A cautious rollout: decide and log exactly as usual, then send the master's bytes as they are.
            exchange.decided(read instanceof ReadResult.Call call ? gatekeeper.decide(call.call()).calls()
                    : List.of(Rejections.unreadable(((ReadResult.Unreadable) read).reason())));
            exchange.observedOnly();
            return forward(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, List.of(ByteBuffer.wrap(body)));
        }
        if (read instanceof ReadResult.Unreadable unreadable) {
            exchange.decided(List.of(Rejections.unreadable(unreadable.reason())));
            answerFault(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, HttpStatus.OK_200,
                    unreadable.faultCode(), "carpgate refused the request, nothing was sent to the backup: " + unreadable.reason());
            return true;
        }
        Verdict verdict = gatekeeper.decide(((ReadResult.Call) read).call());
        exchange.decided(verdict.calls());
        if (LOG.isDebugEnabled()) {
            // Names, ids and reasons only, as in the decision log: never a value from the payload.
            verdict.calls().forEach(c -> LOG.debug("{} {} from {}: {} ({})", c.method(), c.service().orElse(""),
                    Request.getRemoteAddr(clientToProxyRequest), c.action().word(), c.reason()));
        }
        if (verdict instanceof Verdict.Suppress suppress) {
            answer(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, HttpStatus.OK_200,
                    XmlRpcResponses.string(suppress.message()));
        } else if (verdict instanceof Verdict.Reject reject) {
            answerFault(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, HttpStatus.OK_200,
                    reject.faultCode(), reject.message());
        } else if (verdict instanceof Verdict.Rewrite rewrite) {
            List<ByteBuffer> patched = BodyPatcher.patch(body, rewrite.changes().stream()
                    .map(c -> new BodyPatcher.Replacement(c.slot(), c.newText())).toList());
            return forward(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, patched);
        } else {
            return forward(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, List.of(ByteBuffer.wrap(body)));
        }
        return true;
    }

    private boolean forward(Request clientToProxyRequest, Response proxyToClientResponse, Callback proxyToClientCallback,
                            List<ByteBuffer> body) {
        long length = body.stream().mapToLong(ByteBuffer::remaining).sum();
        Exchange.of(clientToProxyRequest).ifPresent(Exchange::forwarding);
        Request buffered = new BufferedRequest(clientToProxyRequest, length);
        buffered.setAttribute(BODY, body);
        return super.handle(buffered, proxyToClientResponse, proxyToClientCallback);
    }

    @Override
    protected HttpURI rewriteHttpURI(Request clientToProxyRequest) {
        String query = clientToProxyRequest.getHttpURI().getQuery();
        return HttpURI.build(upstream.xmlrpc()).query(query);
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientToProxyRequest, HttpURI newHttpURI) {
        return super.newProxyToServerRequest(clientToProxyRequest, newHttpURI).timeout(upstream.timeout().toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Only a Via header: the backup learns nothing about the master's address it does not already know. */
    @Override
    protected void addProxyHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        addViaHeader(clientToProxyRequest, proxyToServerRequest);
    }

    @Override
    @SuppressWarnings("unchecked")
    protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(
            Request clientToProxyRequest, Response proxyToClientResponse, org.eclipse.jetty.client.Request proxyToServerRequest) {
        List<ByteBuffer> body = (List<ByteBuffer>) clientToProxyRequest.getAttribute(BODY);
        String contentType = clientToProxyRequest.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return new ByteBufferRequestContent(contentType, body.stream().map(ByteBuffer::slice).toArray(ByteBuffer[]::new));
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
        Exchange.of(clientToProxyRequest).ifPresent(e -> e.upstreamAnswered(serverToProxyResponse.getStatus()));
        super.onProxyToClientResponseComplete(clientToProxyRequest, proxyToServerRequest, serverToProxyResponse,
                proxyToClientResponse, proxyToClientCallback);
    }

    @Override
    protected void onProxyToClientResponseFailure(Request clientToProxyRequest,
                                                  org.eclipse.jetty.client.Request proxyToServerRequest,
                                                  org.eclipse.jetty.client.Response serverToProxyResponse,
                                                  Response proxyToClientResponse, Callback proxyToClientCallback,
                                                  Throwable failure) {
        Exchange.of(clientToProxyRequest).ifPresent(e -> e.failed("the answer could not be delivered to the master"));
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
        String reason = UpstreamFailure.describe(failure);
        Exchange.of(clientToProxyRequest).ifPresent(e -> e.failed(reason));
        LOG.warn("call to the backup failed: {}", reason);
        if (proxyToClientResponse.isCommitted()) {
            proxyToClientCallback.failed(failure);
            return;
        }
        proxyToClientResponse.reset();
        answerFault(clientToProxyRequest, proxyToClientResponse, proxyToClientCallback, HttpStatus.BAD_GATEWAY_502,
                FAULT_UPSTREAM, "carpgate could not deliver the call to the backup: " + reason);
    }

    private byte[] readBody(Request request) throws IOException {
        long declared = request.getLength();
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared >= 0 && declared <= Math.min(maxBody, Integer.MAX_VALUE - 8)) {
                // Presized from Content-Length: one array filled in place. readNBytes(n) gathers chunks and
                // copies them into a second array at the end, two bodies in the heap for a moment.
                byte[] body = new byte[(int) declared];
                int read = in.readNBytes(body, 0, body.length);
                if (read < body.length) {
                    throw new IOException("body ended after " + read + " of " + declared + " bytes");
                }
                return body;
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
            if (body.length > maxBody) {
                throw new BodyTooLarge();
            }
            return body;
        }
    }

    /**
     * Answering without reading the whole body: the unread bytes make the connection useless, so say so,
     * or a client may send its next request on a connection Jetty is about to close.
     */
    static void closeAfterAnswer(Response response) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }

    private void tooLarge(Request request, Response response, Callback callback) {
        Exchange.of(request).ifPresent(e -> e.decided(List.of(Rejections.tooLarge(maxBody))));
        answerFault(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, -32700,
                "carpgate refused the request, nothing was sent to the backup: body larger than " + maxBody + " bytes");
    }

    static void answerFault(Request request, Response response, Callback callback, int status, int code,
                                    String message) {
        answer(request, response, callback, status, XmlRpcResponses.fault(code, message));
    }

    private static void answer(Request request, Response response, Callback callback, int status, byte[] xml) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, XML);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, xml.length);
        response.write(true, ByteBuffer.wrap(xml), callback);
    }

    private static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super("body too large");
        }
    }
}
