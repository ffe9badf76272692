package io.carpgate.proxy;

import io.carpgate.observe.ConnectionDrop;
import io.carpgate.observe.Exchange;
import io.carpgate.observe.Metrics;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole body before anything is decided (carpgate must know what the backup would run before a
 * byte is sent) and hands on a {@link BufferedRequest}. A body over {@code limits.max-body} gets 413,
 * announced (Content-Length) or found while reading.
 *
 * <p>Reading is demand-driven ({@link Request#read()} / {@link Request#demand}): while a body trickles in,
 * no thread waits for it, only its buffer is held. The buffer grows as bytes arrive (doubling, capped at the
 * announced length so a body that keeps its word ends in an exactly sized array, copied once); a
 * Content-Length alone never allocates anything. Each growth is first reserved from the shared
 * {@link BodyBudget}; a body that cannot get it is answered 503 with {@code Retry-After}, and its share is
 * given back when the request ends, however it ends.
 */
final class BodyBuffering extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(BodyBuffering.class);
    /** The first buffer: a small call (most of a master's) never grows it. */
    private static final int FIRST_BUFFER = 16 * 1024;
    /** Seconds a rejected master is asked to wait: about what a large restore in flight takes to pass. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final long maxBody;
    private final BodyBudget budget;
    private final Metrics metrics;

    BodyBuffering(long maxBody, BodyBudget budget, Metrics metrics, Handler next) {
        super(next);
        this.maxBody = maxBody;
        this.budget = budget;
        this.metrics = metrics;
    }

    @Override
    public InvocationType getInvocationType() {
        // The next stages may block (deciding may wait for the backup's CARP state): they run on a pool thread,
        // the one handle() was called on or the one Jetty runs a (blocking) demand callback on.
        return InvocationType.BLOCKING;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getLength() > maxBody) {
            tooLarge(request, response, callback);
            return true;
        }
        new Reading(request, response, callback).run();
        return true;
    }

    private void tooLarge(Request request, Response response, Callback callback) {
        Exchange.of(request).decided(List.of(Rejections.tooLarge(maxBody)), false);
        OwnAnswers.closeAfterAnswer(response);
        OwnAnswers.rejected(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, -32700,
                "body larger than " + maxBody + " bytes");
    }

    /**
     * The answer to a request the budget cannot hold now: its body (here), or what carpgate would keep of it to
     * decide ({@link Deciding}). Nothing was sent; the master is asked to come back once others have passed.
     */
    static void overBudget(Metrics metrics, Request request, Response response, Callback callback) {
        Exchange exchange = Exchange.of(request);
        metrics.bodyBudgetRejected(exchange.pair());
        String why = "carpgate is holding as much of the requests in flight (their bodies and what it reads of them)"
                + " as limits.body-budget allows, or as much as one client address may (half of it); retry shortly";
        exchange.decided(List.of(Rejections.overBudget(why)), false);
        OwnAnswers.closeAfterAnswer(response);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
        OwnAnswers.rejected(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, OwnAnswers.INTERNAL_ERROR,
                why);
    }

    /** One body being read: its buffer, what it holds of the budget, and the read loop Jetty calls back into. */
    private final class Reading implements Runnable {
        private final Request request;
        private final Response response;
        /** Completes the exchange and gives the budget back: called once, on every path. */
        private final Callback done;
        private final long declared;
        private byte[] buffer = new byte[0];
        private int size;
        private long reserved;
        /** Whose share of the budget the buffer is charged to: the client's address. */
        private final String client;

        Reading(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.client = Request.getRemoteAddr(request);
            this.declared = request.getLength();
            this.done = Callback.from(callback, this::releaseAll);
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this); // no thread waits: Jetty calls run() again when bytes arrive
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    Exchange exchange = Exchange.of(request);
                    Throwable failure = chunk.getFailure();
                    if (!exchange.closedByCarpgate() && failure instanceof java.util.concurrent.TimeoutException) {
                        // Jetty's idle timeout, mid-body: carpgate closes it, and counts it as it counts its guards'.
                        Exchange.closedByCarpgate(request, ConnectionDrop.CLIENT_IDLE_TIMEOUT);
                        metrics.connectionDropped(ConnectionDrop.CLIENT_IDLE_TIMEOUT);
                    } else if (!exchange.closedByCarpgate() && failure instanceof org.eclipse.jetty.io.EofException) {
                        exchange.clientHungUp();
                    }
                    if (exchange.closedByCarpgate() || failure instanceof org.eclipse.jetty.io.EofException) {
                        // Said in the record: a quiet failure, or Jetty warns of its 500 "writeError" (or notes a 400
                        // for a client that is no longer there to read it).
                        done.failed(new org.eclipse.jetty.io.QuietException.Exception(failure));
                        return;
                    }
                    LOG.info("reading the request from {} failed: {}", Request.getRemoteAddr(request),
                            io.carpgate.observe.LogText.oneLine(String.valueOf(chunk.getFailure())));
                    done.failed(chunk.getFailure());
                    return;
                }
                int length = chunk.remaining();
                boolean last = chunk.isLast();
                try {
                    if (length > 0 && !append(chunk)) {
                        return; // answered already (413 or 503)
                    }
                } finally {
                    chunk.release();
                }
                if (last) {
                    handOn();
                    return;
                }
            }
        }

        /** Copies the chunk into the buffer, growing it first; false once an answer has been written instead. */
        private boolean append(Content.Chunk chunk) {
            int length = chunk.remaining();
            if ((long) size + length > maxBody) {
                tooLarge(request, response, done);
                return false;
            }
            if (size + length > buffer.length) {
                int capacity = grownCapacity(size + length);
                if (!budget.reserve(capacity - buffer.length, client)) {
                    overBudget(metrics, request, response, done);
                    return false;
                }
                reserved += capacity - buffer.length;
                buffer = Arrays.copyOf(buffer, capacity);
            }
            chunk.getByteBuffer().get(buffer, size, length);
            size += length;
            return true;
        }

        /** Doubling from what arrived (never from what was announced), capped at the announced length and max-body. */
        private int grownCapacity(int needed) {
            long doubled = Math.max(FIRST_BUFFER, Math.max((long) needed, 2L * buffer.length));
            long cap = declared >= needed ? declared : Math.min(maxBody, Integer.MAX_VALUE - 8);
            return (int) Math.max(needed, Math.min(doubled, cap));
        }

        private void handOn() {
            byte[] body = size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
            buffer = null;
            Exchange.of(request).bodyBytes(body.length);
            try {
                if (!BodyBuffering.super.handle(BufferedRequest.arrived(request, body, reserved), response, done)) {
                    OwnAnswers.notFound(request, response, done);
                }
            } catch (Throwable e) {
                // Thrown from the next stage, now no longer inside Jetty's own handle(): fail the exchange here.
                done.failed(e);
            }
        }

        private void releaseAll() {
            budget.release(reserved, client);
            reserved = 0;
        }
    }
}
