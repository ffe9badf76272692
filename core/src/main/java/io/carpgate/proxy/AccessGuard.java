package io.carpgate.proxy;

import io.carpgate.config.Access;
import io.carpgate.observe.Exchange;
import io.carpgate.observe.LogText;
import io.carpgate.observe.RepeatedLine;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** First stage: only allow-from addresses and allowed-users get further, before a byte of the body is read. */
final class AccessGuard extends Handler.Wrapper {
    private final Access access;
    private final RepeatedLine rejected;

    AccessGuard(Access access, RepeatedLine rejected, Handler next) {
        super(next);
        this.access = access;
        this.rejected = rejected;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Optional<String> rejection = AccessCheck.rejection(request, access);
        if (rejection.isEmpty()) {
            return super.handle(request, response, callback);
        }
        reject(request, response, callback, rejection.get(), rejected);
        return true;
    }

    /**
     * A stranger learns nothing from carpgate or the backup: 403 with a fault, and a line on the console, at most one a
     * minute ({@code console}; the access and decision logs have each).
     */
    static void reject(Request request, Response response, Callback callback, String why, RepeatedLine console) {
        String client = Request.getRemoteAddr(request);
        console.warn(client, "rejected " + client + ": " + LogText.oneLine(why));
        Exchange.of(request).decided(List.of(Rejections.notAllowed(why)), false);
        OwnAnswers.closeAfterAnswer(response);
        OwnAnswers.rejected(response, callback, HttpStatus.FORBIDDEN_403, -32600, why);
    }
}
