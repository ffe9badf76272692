package io.carpgate.observe;

import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * One exchange while it runs: the stages of the sync path tell it what happened, it tells its
 * {@link ExchangeListener}, and when the request completes it becomes an {@link ExchangeRecord}. One per
 * request, found from the request (the router begins it); confined to that request's handling.
 */
public final class Exchange {
    private static final String ATTRIBUTE = Exchange.class.getName();

    private final ExchangeListener listener;
    private final long startNanos;
    private volatile long bodyBytes;
    private volatile List<CallOutcome> calls = List.of();
    private volatile Optional<Integer> upstreamStatus = Optional.empty();
    private volatile Optional<String> failure = Optional.empty();
    private volatile boolean observed;
    private volatile String pair = "-";
    private volatile long forwardedAtNanos;
    private volatile Optional<Duration> upstreamTime = Optional.empty();
    private volatile boolean sentWhole;
    private volatile Optional<ConnectionDrop> closedBy = Optional.empty();
    /** When each phase ended (System.nanoTime(); 0: not reached), for {@link PhaseEvent} only: a read each, no more. */
    private volatile long bodyAtNanos;
    private volatile long decidedAtNanos;
    private volatile long upstreamBegunAtNanos;
    private volatile long sentAtNanos;
    private volatile long headAtNanos;

    /** Ties the decision log's lines of one request together (written when sent, and when done). */
    private final String id;
    private final String client;
    private final Optional<String> user;

    private Exchange(ExchangeListener listener, long startNanos, Request request) {
        this.listener = listener;
        this.startNanos = startNanos;
        this.id = String.format("%012x", java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 16);
        this.client = io.carpgate.xmlrpc.Clip.to(io.carpgate.xmlrpc.Clip.SHORT, Request.getRemoteAddr(request));
        this.user = BasicAuthUser.of(request.getHeaders().get(HttpHeader.AUTHORIZATION))
                .map(u -> io.carpgate.xmlrpc.Clip.to(io.carpgate.xmlrpc.Clip.SHORT, u));
    }

    public static Exchange begin(Request request, ExchangeListener listener) {
        Exchange exchange = new Exchange(listener, System.nanoTime(), request);
        request.setAttribute(ATTRIBUTE, exchange);
        return exchange;
    }

    /** The exchange of a request the router began; every request that reaches a handler has one. */
    public static Exchange of(Request request) {
        return find(request).orElseThrow(() -> new IllegalStateException("no exchange begun for this request"));
    }

    /** Empty for a request Jetty answered before any handler saw it (a malformed request line, say). */
    static Optional<Exchange> find(Request request) {
        return Optional.ofNullable(request.getAttribute(ATTRIBUTE))
                .filter(Exchange.class::isInstance).map(Exchange.class::cast);
    }

    /**
     * carpgate closes the connection of {@code request} on its own (a guard's deadline): the record says so,
     * rather than the HTTP 500 Jetty notes for a request whose connection went away. No-op for a request no
     * handler has seen.
     */
    public static void closedByCarpgate(Request request, ConnectionDrop drop) {
        find(request).ifPresent(exchange -> exchange.closedBy = Optional.of(drop));
    }

    /** Whether carpgate closed this request's connection on its own ({@link #closedByCarpgate(Request, ConnectionDrop)}). */
    public boolean closedByCarpgate() {
        return closedBy.filter(ConnectionDrop::byCarpgate).isPresent();
    }

    /**
     * The client closed its connection before the whole request arrived: nothing was answered, so the record says so
     * rather than the HTTP 400 Jetty notes for an early end of the body.
     */
    public void clientHungUp() {
        this.closedBy = Optional.of(ConnectionDrop.CLIENT_HUNG_UP);
    }

    /** The pair whose path the request came in on. */
    public void pair(String name) {
        this.pair = name;
    }

    public void bodyBytes(long bytes) {
        this.bodyBytes = bytes;
        this.bodyAtNanos = System.nanoTime();
    }

    /**
     * @param observed observe mode: decided and logged only, the request goes on unchanged
     */
    public void decided(List<CallOutcome> outcomes, boolean observed) {
        this.calls = List.copyOf(outcomes);
        this.observed = observed;
        this.decidedAtNanos = System.nanoTime();
        listener.onDecided(this);
    }

    /** The call leaves for the backup now. */
    public void forwarding() {
        this.forwardedAtNanos = System.nanoTime();
        listener.onForwarded(this);
    }

    /** The whole request has gone out to the backup: from now on the backup may run it. */
    public void sentWhole() {
        this.sentWhole = true;
        this.sentAtNanos = System.nanoTime();
    }

    /**
     * The upstream connection is there (pooled, or newly connected: its TLS handshake runs as the request goes out)
     * and the request begins to go out.
     */
    public void upstreamBegun() {
        this.upstreamBegunAtNanos = System.nanoTime();
    }

    /** The head of the backup's answer arrived. */
    public void upstreamHead() {
        this.headAtNanos = System.nanoTime();
    }

    public boolean wasSentWhole() {
        return sentWhole;
    }

    /**
     * The backup answered: its time is from the call leaving to the head of its answer (when that was seen), so a
     * master slow to read a long answer does not count as a slow backup.
     */
    public void upstreamAnswered(int status) {
        this.upstreamStatus = Optional.of(status);
        if (forwardedAtNanos != 0) {
            long end = headAtNanos != 0 ? headAtNanos : System.nanoTime();
            this.upstreamTime = Optional.of(Duration.ofNanos(end - forwardedAtNanos));
        }
    }

    /**
     * The call was meant for the backup but did not get there (or its answer did not come back). In observe mode
     * every call goes to the backup, whatever enforce mode would have done, so each one failed.
     */
    public void failed(String reason) {
        this.failure = Optional.of(reason);
        this.calls = calls.stream()
                .map(c -> observed || c.action() == Action.FORWARDED || c.action() == Action.REWRITTEN
                        ? c.withAction(Action.FAILED, reason + " (was: " + c.action().word() + ", " + c.reason() + ")")
                        : c)
                .toList();
        listener.onFailed(this, reason);
    }

    /**
     * The backup ran the call and answered, but its answer could not reach the master (the master went away):
     * each call keeps its decision, and its reason says the master never heard the answer.
     */
    public void answerNotDelivered(String why) {
        this.calls = calls.stream().map(c -> c.withAction(c.action(), c.reason() + "; " + why)).toList();
    }

    /**
     * The backup answered a call that would teach carpgate, and its answer says it did not store it (a fault, a
     * refused login), or does not say it did: the call was forwarded, and its reason now says what the backup did, so
     * a refused restore does not read as a sync that worked.
     */
    public void backupDidNotStore(String what) {
        // Only the restore: beside it in a multicall, another call stores nothing to be said of.
        this.calls = calls.stream().map(c -> c.method().equals(io.carpgate.policy.BackupMethods.RESTORE)
                ? c.withAction(c.action(), c.reason() + "; " + what) : c).toList();
    }

    public String pair() {
        return pair;
    }

    /** A random id, the same in every line of this request's record. */
    public String id() {
        return id;
    }

    public String client() {
        return client;
    }

    public Optional<String> user() {
        return user;
    }

    public long bodyBytes() {
        return bodyBytes;
    }

    public List<CallOutcome> calls() {
        return calls;
    }

    public boolean observed() {
        return observed;
    }

    /** The request is over: the record goes to the listener. Called once, by Jetty's request log hook. */
    void complete(Request request, Response response) {
        long end = System.nanoTime();
        PhaseEvent phases = new PhaseEvent();
        if (phases.shouldCommit()) {
            phases(phases, response.getStatus(), end);
        }
        listener.onComplete(new ExchangeRecord(id, ZonedDateTime.now(), pair, client, user,
                request.getMethod() + " " + request.getHttpURI().getPathQuery() + " "
                        + request.getConnectionMetaData().getProtocol(),
                response.getStatus(), bodyBytes, Response.getContentBytesWritten(response),
                Duration.ofNanos(end - startNanos), calls, observed, upstreamStatus, upstreamTime,
                failure, Optional.ofNullable(request.getHeaders().get(HttpHeader.REFERER)),
                Optional.ofNullable(request.getHeaders().get(HttpHeader.USER_AGENT)), closedBy));
    }

    private void phases(PhaseEvent e, int status, long end) {
        e.pair = pair;
        e.method = calls.isEmpty() ? "-" : calls.get(0).method();
        e.status = status;
        e.bodyBytes = bodyBytes;
        e.readNanos = span(startNanos, bodyAtNanos);
        e.decideNanos = span(bodyAtNanos, decidedAtNanos);
        e.connectNanos = span(forwardedAtNanos, upstreamBegunAtNanos);
        e.sendNanos = span(upstreamBegunAtNanos, sentAtNanos);
        e.backupNanos = span(sentAtNanos, headAtNanos);
        e.answerNanos = span(headAtNanos, end);
        e.totalNanos = end - startNanos;
        e.commit();
    }

    private static long span(long from, long to) {
        return from == 0 || to == 0 ? -1 : to - from;
    }
}
