package io.carpgate.proxy;

import io.carpgate.observe.Exchange;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Interceptor} on the buffered body and acts on what it says: carpgate's own answer, or the
 * (patched) body handed to the forwarding stage through the request's own {@code read()}.
 *
 * <p>Fails closed: any exception while reading, deciding or patching becomes an XML-RPC fault and a
 * {@code rejected} record, and nothing goes to the backup. The exception's message is not repeated anywhere
 * (it may quote the request); its type and where it was thrown are logged for the developers.
 */
final class Interception extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(Interception.class);

    private final Interceptor interceptor;

    Interception(Interceptor interceptor, Handler next) {
        super(next);
        this.interceptor = interceptor;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.BLOCKING; // deciding may wait for the backup's CARP state
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange exchange = Exchange.of(request);
        Intercepted intercepted;
        try {
            intercepted = interceptor.intercept(Request.as(request, BufferedRequest.class).bytes());
        } catch (RuntimeException | Error e) {
            // An Error too (a stack overflow, no heap for a huge body): whatever it is, nothing goes on.
            intercepted = internalError(exchange, e);
        }
        Optional<Intercepted.Forward> forward = intercepted.fold(
                answer -> {
                    exchange.decided(answer.calls(), false);
                    Answers.write(response, callback, answer.status(), answer.xml());
                    return Optional.empty();
                },
                Optional::of);
        if (forward.isEmpty()) {
            return true;
        }
        exchange.decided(forward.get().calls(), forward.get().observed());
        Settling.attach(request, forward.get().pending());
        try {
            return super.handle(BufferedRequest.toSend(request, forward.get().body()), response, callback);
        } catch (RuntimeException | Error e) {
            // The forwarding stage failed before the call left: the master must not take it for delivered.
            String why = "internal error in carpgate before the call reached the backup (" + e.getClass().getSimpleName() + ")";
            Settling.of(request).ifPresent(s -> s.notSent(why));
            exchange.failed(why);
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                Answers.writeFault(response, callback, 502, Answers.INTERNAL_ERROR, Answers.NOTHING_SENT + why);
            }
            return true;
        }
    }

    private static Intercepted internalError(Exchange exchange, Throwable e) {
        StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
        String where = e.getClass().getSimpleName() + (at == null ? "" : " at " + at.getClassName() + "."
                + at.getMethodName() + ":" + at.getLineNumber());
        LOG.error("pair {}: internal error while deciding a request ({}); it was rejected, nothing was sent to the "
                + "backup", exchange.pair(), where);
        String why = "internal error in carpgate (" + e.getClass().getSimpleName() + ")";
        return Answers.fault(Answers.INTERNAL_ERROR, Answers.NOTHING_SENT + why, List.of(Rejections.internalError(why)));
    }
}
