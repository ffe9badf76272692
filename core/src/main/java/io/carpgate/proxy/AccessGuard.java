package io.carpgate.proxy;

import io.carpgate.config.Access;
import io.carpgate.observe.Exchange;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** First stage: only allow-from addresses and allowed-users get further, before a byte of the body is read. */
final class AccessGuard extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(AccessGuard.class);

    private final Access access;

    AccessGuard(Access access, Handler next) {
        super(next);
        this.access = access;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Optional<String> rejection = AccessCheck.rejection(request, access);
        if (rejection.isEmpty()) {
            return super.handle(request, response, callback);
        }
        reject(request, response, callback, rejection.get());
        return true;
    }

    /** A stranger learns nothing from carpgate or the backup: 403 with a fault, and a line on the console. */
    static void reject(Request request, Response response, Callback callback, String why) {
        LOG.warn("rejected {}: {}", Request.getRemoteAddr(request), why);
        Exchange.of(request).decided(List.of(Rejections.notAllowed(why)), false);
        OwnAnswers.closeAfterAnswer(response);
        OwnAnswers.rejected(response, callback, HttpStatus.FORBIDDEN_403, -32600, why);
    }
}
