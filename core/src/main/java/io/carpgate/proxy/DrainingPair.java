package io.carpgate.proxy;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;

/**
 * A pair's {@link GracefulHandler}: calls in flight finish when a reload retires the pair. A call that reaches a
 * retired pair is not answered 503 here: it is declined, so the router sends it to the pair now in place.
 */
final class DrainingPair extends GracefulHandler {
    DrainingPair(Handler chain) {
        super(chain);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (isShutdown() || !isStarted()) {
            return false;
        }
        return super.handle(request, response, callback);
    }
}
