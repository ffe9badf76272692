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
    private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
    private volatile boolean overflow;

    private Settling(PendingCall pending) {
        this.pending = pending;
    }

    /** Attaches {@code pending} to the request and makes sure the end of the request settles it. */
    static void attach(Request request, PendingCall pending) {
        if (pending == PendingCall.none()) {
            return;
        }
        Settling settling = new Settling(pending);
        request.setAttribute(ATTRIBUTE, settling);
        Exchange exchange = Exchange.of(request);
        Request.addCompletionListener(request, failure -> pending.settle(exchange.wasSentWhole()
                ? new BackupOutcome.Unknown("the request ended before the backup's answer was read")
                : new BackupOutcome.NotStored("the call did not reach the backup")));
    }

    static Optional<Settling> of(Request request) {
        return Optional.ofNullable(request.getAttribute(ATTRIBUTE)).filter(Settling.class::isInstance)
                .map(Settling.class::cast);
    }

    /** The response to the master, copying what the backup answers when the memory needs to read it. */
    Response capturing(Response toMaster) {
        if (!pending.wantsAnswer()) {
            return toMaster;
        }
        return new Response.Wrapper(toMaster.getRequest(), toMaster) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback callback) {
                copy(content);
                super.write(last, content, callback);
            }
        };
    }

    private synchronized void copy(ByteBuffer content) {
        if (content == null || overflow) {
            return;
        }
        if (answer.size() + content.remaining() > MAX_ANSWER) {
            overflow = true;
            answer.reset();
            return;
        }
        ByteBuffer view = content.slice();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        answer.writeBytes(bytes);
    }

    /** The backup answered (all of its answer went through to the master, or the master went away meanwhile). */
    void answered(org.eclipse.jetty.client.Response fromBackup) {
        if (!pending.wantsAnswer()) {
            pending.settle(new BackupOutcome.Stored());
            return;
        }
        String encoding = fromBackup.getHeaders().get(HttpHeader.CONTENT_ENCODING);
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            pending.settle(new BackupOutcome.Unknown("the backup's answer is encoded (" + encoding + ")"));
            return;
        }
        byte[] bytes;
        synchronized (this) {
            if (overflow) {
                pending.settle(new BackupOutcome.Unknown("the backup's answer is larger than " + MAX_ANSWER + " bytes"));
                return;
            }
            bytes = answer.toByteArray();
        }
        pending.settle(pending.outcomeOf(fromBackup.getStatus(), bytes));
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
