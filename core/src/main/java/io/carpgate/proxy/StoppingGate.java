package io.carpgate.proxy;

import io.carpgate.observe.Exchange;
import io.carpgate.observe.ExchangeListener;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The listener's {@link GracefulHandler}: while carpgate stops (SIGTERM), the calls in flight finish and a new
 * call is answered with an XML-RPC fault the master's client reads, HTTP 200 as XML-RPC faults are, rather than
 * Jetty's HTML 503, which an XML-RPC client only reports as a protocol error. A call that arrives in the instant
 * the stop begins may still meet Jetty's own 503: refused all the same, nothing sent.
 */
final class StoppingGate extends GracefulHandler {
    static final String STOPPING = "carpgate is stopping; nothing was sent to the backup";
    /** The same code as a call refused during a reload: the master may try again. */
    private static final int FAULT_STOPPING = -32500;

    private final ExchangeListener listener;

    StoppingGate(Handler handler, ExchangeListener listener) {
        super(handler);
        this.listener = listener;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (isShutdown()) {
            // In the record as every other refusal: the admin sees that a master's call was refused during the stop.
            Exchange.begin(request, listener).decided(java.util.List.of(Rejections.stopping(STOPPING)), false);
            OwnAnswers.closeAfterAnswer(response); // the body is not read, and the listener is about to close
            OwnAnswers.fault(response, callback, HttpStatus.OK_200, FAULT_STOPPING, STOPPING);
            return true;
        }
        return super.handle(request, response, callback);
    }
}
