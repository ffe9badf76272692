package io.carpgate.proxy;

import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PendingCall;
import io.carpgate.observe.Exchange;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Ties a forwarded call to the {@link PendingCall} its pair's memory waits on, and settles it from what happens
 * to the call: the backup's answer (read from a copy of what streams back to the master, at most
 * {@value #MAX_ANSWER} bytes), a failure, or, as the last resort, the end of the request. Whichever comes first
 * wins; every path settles, so no call's turn is held after its request is over.
 */
final class Settling {
    private static final String ATTRIBUTE = Settling.class.getName();
    /** What the backup says to a restore is a few hundred bytes; a larger answer is not read, and counts as unknown. */
    static final int MAX_ANSWER = 64 * 1024;

    private final PendingCall pending;
    private final Exchange exchange;
    private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
    private boolean overflow;
    private final java.util.concurrent.atomic.AtomicBoolean recorded = new java.util.concurrent.atomic.AtomicBoolean();
    /** How many bytes of the backup's answer have been handed on to the master. */
    private long seen;

    private Settling(PendingCall pending, Exchange exchange) {
        this.pending = pending;
        this.exchange = exchange;
    }

    /** Attaches {@code pending} to the request and makes sure the end of the request settles it. */
    static void attach(Request request, PendingCall pending) {
        if (pending == PendingCall.none()) {
            return;
        }
        Exchange exchange = Exchange.of(request);
        Settling settling = new Settling(pending, exchange);
        request.setAttribute(ATTRIBUTE, settling);
        Request.addCompletionListener(request, failure -> pending.settle(exchange.wasSentWhole()
                ? new BackupOutcome.Unknown("the request ended before the backup's answer was read")
                : new BackupOutcome.NotStored("the call did not reach the backup")));
    }

    static Optional<Settling> of(Request request) {
        return Optional.ofNullable(request.getAttribute(ATTRIBUTE)).filter(Settling.class::isInstance)
                .map(Settling.class::cast);
    }

    /**
     * The response to the master, through which the call is settled as soon as carpgate has the backup's whole answer
     * (when the memory needs to read it, a copy of it): once it has handed the last of it on, not once the master has
     * read it, so a client that does not read its answer holds no turn (the next restore or start of the pair would
     * wait for it). An answer without a Content-Length is whole at its end, as Jetty writes it.
     */
    Response capturing(Response toMaster) {
        return new Response.Wrapper(toMaster.getRequest(), toMaster) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback callback) {
                boolean whole = copy(content, last, getHeaders().getLongField(HttpHeader.CONTENT_LENGTH));
                Optional<BackupOutcome> outcome = whole
                        ? Optional.of(outcomeOnAnswer(getStatus(), getHeaders().get(HttpHeader.CONTENT_ENCODING)))
                        : Optional.empty();
                // In the record before the last bytes go (they may end the request and write its done line).
                outcome.ifPresent(Settling.this::record);
                super.write(last, content, callback); // the master's bytes first: the settling may write to disk
                outcome.ifPresent(pending::settle);
            }
        };
    }

    /** Whether the backup's answer is now whole (for a call that does not read it, any of it: it has answered). */
    private synchronized boolean copy(ByteBuffer content, boolean last, long length) {
        int size = content == null ? 0 : content.remaining();
        seen += size;
        if (pending.wantsAnswer() && size > 0 && !overflow) {
            if (answer.size() + size > MAX_ANSWER) {
                overflow = true;
                answer.reset();
            } else {
                ByteBuffer view = content.slice();
                byte[] bytes = new byte[view.remaining()];
                view.get(bytes);
                answer.writeBytes(bytes);
            }
        }
        return !pending.wantsAnswer() || last || (length >= 0 && seen >= length);
    }

    /** The backup answered (all of its answer went through to the master, or the master went away meanwhile). */
    void answered(org.eclipse.jetty.client.Response fromBackup) {
        BackupOutcome outcome = outcomeOnAnswer(fromBackup.getStatus(),
                fromBackup.getHeaders().get(HttpHeader.CONTENT_ENCODING));
        record(outcome);
        pending.settle(outcome);
    }

    private BackupOutcome outcomeOnAnswer(int status, String encoding) {
        if (!pending.wantsAnswer()) {
            return new BackupOutcome.Stored();
        }
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            return new BackupOutcome.Unknown("the backup's answer is encoded (" + encoding + ")");
        }
        byte[] bytes;
        synchronized (this) {
            if (overflow) {
                return new BackupOutcome.Unknown("the backup's answer is larger than " + MAX_ANSWER + " bytes");
            }
            bytes = answer.toByteArray();
        }
        return pending.outcomeOf(status, bytes);
    }

    /**
     * What the backup's answer says of a call that would teach carpgate, when it is not that it stored it: once, and
     * only while the call is not settled otherwise (a failure's own words are in the record then).
     */
    private void record(BackupOutcome outcome) {
        if (pending.isSettled() || !recorded.compareAndSet(false, true)) {
            return;
        }
        if (outcome instanceof BackupOutcome.NotStored notStored) {
            exchange.backupDidNotStore("the backup did not store it: " + notStored.why());
        } else if (outcome instanceof BackupOutcome.Unknown unknown) {
            exchange.backupDidNotStore("the backup's answer does not say it stored it: " + unknown.why());
        }
    }

    /** The call failed on its way to the backup, or its answer did not come back. */
    void failed(boolean sentWhole, String why) {
        pending.settle(sentWhole ? new BackupOutcome.Unknown(why) : new BackupOutcome.NotStored(why));
    }

    /** carpgate failed before the call left. */
    void notSent(String why) {
        pending.settle(new BackupOutcome.NotStored(why));
    }
}
