package io.carpgate.proxy;

import io.carpgate.observe.Exchange;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * At most {@code limits.max-calls-per-client} requests of one client address in the sync paths at once (all pairs
 * together, {@link ClientCalls}), from
 * before its body is read until its answer is done; the next one is answered 503 with {@code Retry-After} at once,
 * nothing sent. A master sends one call at a time. Without it a client in {@code allow-from} that needs no password
 * (the backup checks that, some 4 s after a wrong one) could queue restores in the pair's call order, one per
 * connection, each holding a thread while it waits its turn, until the master's own restore waited past its timeout.
 */
final class CallsPerClient extends Handler.Wrapper {
    private final ClientCalls calls;

    CallsPerClient(ClientCalls calls, Handler next) {
        super(next);
        this.calls = calls;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String client = Request.getRemoteAddr(request);
        if (!calls.take(client)) {
            String why = "this client address already has " + calls.max() + " calls in flight "
                    + "(limits.max-calls-per-client; a master sends one at a time); retry shortly";
            Exchange.of(request).decided(List.of(Rejections.tooManyCalls(why)), false);
            OwnAnswers.closeAfterAnswer(response);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, BodyBuffering.RETRY_AFTER_SECONDS);
            OwnAnswers.rejected(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, OwnAnswers.INTERNAL_ERROR, why);
            return true;
        }
        Callback done = Callback.from(callback, () -> release(client));
        boolean handled;
        try {
            handled = super.handle(request, response, done);
        } catch (Throwable e) {
            release(client);
            throw e;
        }
        if (!handled) {
            release(client);
        }
        return handled;
    }

    private void release(String client) {
        calls.give(client);
    }
}
