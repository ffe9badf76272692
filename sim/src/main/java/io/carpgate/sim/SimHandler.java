package io.carpgate.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Routes the backup's HTTP surface: {@code /xmlrpc.php} (OPNsense's xmlrpc.php + IXR_Server) and the two
 * API endpoints. Records every request (unless told not to); logs nothing about bodies or credentials.
 */
final class SimHandler extends Handler.Abstract {
    private final SimulatedBackup.Options options;
    private final XmlRpcDispatcher dispatcher;
    private final ApiResponder api;
    private final AtomicBoolean apiAvailable = new AtomicBoolean(true);
    private volatile long xmlRpcDelayMillis;
    private final List<ReceivedCall> received = new ArrayList<>();

    SimHandler(SimulatedBackup.Options options, BackupState state) {
        this.options = options;
        this.dispatcher = new XmlRpcDispatcher(state);
        this.api = new ApiResponder(state);
    }

    void setApiAvailable(boolean available) {
        apiAvailable.set(available);
    }

    /** A backup busy restarting services takes seconds to answer; tests set how long. */
    /** Calls of {@code method} wait, once received and recorded, until {@code release} opens (at most 60 s). */
    void hold(String method, java.util.concurrent.CountDownLatch release) {
        held = Optional.of(new Held(method, release));
    }

    void unhold() {
        held = Optional.empty();
    }

    private record Held(String method, java.util.concurrent.CountDownLatch release) {}

    private volatile Optional<Held> held = Optional.empty();

    private volatile SimulatedBackup.Cut cut = SimulatedBackup.Cut.NONE;

    void cutAfterReading(SimulatedBackup.Cut how) {
        cut = how;
    }

    /** Closes (TLS close, then FIN) or resets (SO_LINGER 0: RST) the call's connection; nothing is answered. */
    private static boolean cut(Request request, Callback callback, SimulatedBackup.Cut how) throws java.io.IOException {
        org.eclipse.jetty.io.EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (how == SimulatedBackup.Cut.RESET && endPoint.getTransport() instanceof java.nio.channels.SocketChannel tcp) {
            tcp.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
        }
        endPoint.close();
        callback.succeeded();
        return true;

    }

    void setXmlRpcDelay(java.time.Duration delay) {
        xmlRpcDelayMillis = delay.toMillis();
    }

    List<ReceivedCall> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    void reset() {
        synchronized (received) {
            received.clear();
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        byte[] body;
        try {
            java.util.concurrent.CompletableFuture<byte[]> read = new java.util.concurrent.CompletableFuture<>();
            Content.Source.asByteArrayAsync(request, options.maxBody(), org.eclipse.jetty.util.Promise.Invocable.toPromise(read));
            body = read.get();
        } catch (ExecutionException e) {
            return reply(response, callback, 413, "text/plain", "request too large".getBytes(StandardCharsets.UTF_8));
        }
        String path = Request.getPathInContext(request);
        Optional<BasicAuth> auth = Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION))
                .flatMap(BasicAuth::parse);
        Optional<IxrMessage> message = path.equals("/xmlrpc.php") && request.getMethod().equals("POST")
                ? IxrReader.parse(body) : Optional.empty();
        record(request, path, auth, body, message);

        // A real call takes 50-500 ms (PROTOCOL.md).
        pause(options.callDelay().of(path.equals("/xmlrpc.php") ? message.map(IxrMessage::methodName).orElse("-") : path,
                body.length).toMillis());
        if (path.equals("/xmlrpc.php")) {
            SimulatedBackup.Cut how = cut;
            if (how != SimulatedBackup.Cut.NONE) {
                return cut(request, callback, how);
            }
            if (xmlRpcDelayMillis > 0) {
                Thread.sleep(xmlRpcDelayMillis);
            }
            Optional<Held> hold = held;
            if (hold.isPresent() && message.isPresent() && message.get().methodName().equals(hold.get().method())) {
                hold.get().release().await(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            return xmlRpc(request, response, callback, auth, message);
        }
        if (path.startsWith("/api/")) {
            return api(request, response, callback, path, auth);
        }
        return reply(response, callback, 404, "text/plain", "Not Found".getBytes(StandardCharsets.UTF_8));
    }

    private static void pause(long millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private boolean xmlRpc(Request request, Response response, Callback callback, Optional<BasicAuth> auth,
                           Optional<IxrMessage> message) throws InterruptedException {
        // xmlrpc.php checks the login before IXR looks at anything else: "Local Database", then "Local API",
        // each failure padded by Auth\Base::authenticate() (2 s on a real backup), so a wrong password costs two.
        boolean authenticated = auth.filter(a -> a.matches(options.xmlRpcUser(), options.xmlRpcPassword())).isPresent();
        if (auth.isPresent() && !authenticated) {
            pause(2 * options.authFailureDelay().toMillis());
        }
        // ... and refuses a call from its own address (SERVER_ADDR == REMOTE_ADDR) with the same answer.
        boolean ownAddress = options.refuseOwnAddress()
                && Request.getLocalAddr(request).equals(Request.getRemoteAddr(request));
        if (!authenticated || ownAddress) {
            return reply(response, callback, 200, "text/xml", IxrWriter.AUTH_FAILED.getBytes(StandardCharsets.UTF_8));
        }
        if (!request.getMethod().equals("POST")) {
            // IXR_Server::serve() dies with this text and PHP's default status 200.
            return reply(response, callback, 200, "text/plain",
                    "XML-RPC server accepts POST requests only.".getBytes(StandardCharsets.UTF_8));
        }
        if (message.isEmpty()) {
            return fault(response, callback, new IxrFault(-32700, "parse error. not well formed"));
        }
        if (!message.get().messageType().equals("methodCall")) {
            return fault(response, callback, new IxrFault(-32600,
                    "server error. invalid xml-rpc. not conforming to spec. Request must be a methodCall"));
        }
        Object result;
        try {
            result = dispatcher.call(message.get().methodName(), message.get().params());
        } catch (XmlRpcDispatcher.PhpDied died) {
            // PHP's fatal error is the whole answer (display_errors on): no XML, status 200.
            return reply(response, callback, 200, "text/html; charset=UTF-8",
                    died.body().getBytes(StandardCharsets.UTF_8));
        }
        if (result instanceof IxrFault f) {
            return fault(response, callback, f);
        }
        return reply(response, callback, 200, "text/xml", IxrWriter.response(result));
    }

    private boolean api(Request request, Response response, Callback callback, String path, Optional<BasicAuth> auth)
            throws InterruptedException {
        if (!apiAvailable.get()) {
            return reply(response, callback, 500, "application/json", ApiResponder.unavailable());
        }
        if (auth.filter(a -> a.matches(options.apiKey(), options.apiSecret())).isEmpty()) {
            // "Local API" pads a failure (2 s on a real backup) before the 401.
            pause(options.authFailureDelay().toMillis());
            return reply(response, callback, 401, "application/json", ApiResponder.unauthorized());
        }
        if (!options.apiPrivileged() || (path.equals(SimNetwork.BPF) && !options.release().netstatCoversBpf())) {
            return reply(response, callback, 403, "application/json", ApiResponder.forbidden());
        }
        if (!request.getMethod().equals("GET")) {
            return reply(response, callback, 405, "application/json",
                    "{\"status\":405,\"message\":\"Method Not Allowed\"}".getBytes(StandardCharsets.UTF_8));
        }
        return api.answer(path)
                .map(json -> reply(response, callback, 200, "application/json", json))
                .orElseGet(() -> reply(response, callback, 404, "application/json",
                        "{\"errorMessage\":\"Endpoint not found\"}".getBytes(StandardCharsets.UTF_8)));
    }

    private static boolean fault(Response response, Callback callback, IxrFault fault) {
        return reply(response, callback, 200, "text/xml", IxrWriter.fault(fault));
    }

    private static boolean reply(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    private void record(Request request, String path, Optional<BasicAuth> auth, byte[] body,
                        Optional<IxrMessage> message) {
        if (!options.recording()) {
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_TYPE)).ifPresent(v -> headers.put("Content-Type", v));
        Optional.ofNullable(request.getHeaders().get(HttpHeader.USER_AGENT)).ifPresent(v -> headers.put("User-Agent", v));
        Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_LENGTH)).ifPresent(v -> headers.put("Content-Length", v));
        Optional.ofNullable(request.getHeaders().get(HttpHeader.TRANSFER_ENCODING)).ifPresent(v -> headers.put("Transfer-Encoding", v));
        Optional.ofNullable(request.getHeaders().get(HttpHeader.EXPECT)).ifPresent(v -> headers.put("Expect", v));
        if (request.getHeaders().contains(HttpHeader.AUTHORIZATION)) {
            headers.put("Authorization", auth.map(a -> "Basic " + a.user()).orElse("(not Basic)"));
        }
        ReceivedCall call = new ReceivedCall(path, request.getMethod(), headers, body,
                message.map(IxrMessage::methodName), Optional.ofNullable(request.getHttpURI().getQuery()));
        synchronized (received) {
            received.add(call);
        }
    }
}
