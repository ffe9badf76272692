package io.carpgate.proxy;

import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PendingCall;
import io.carpgate.observe.Exchange;
import io.carpgate.observe.Metrics;
import io.carpgate.policy.Action;
import io.carpgate.policy.Gate;
import io.carpgate.policy.Gatekeeper;
import io.carpgate.policy.Verdict;
import io.carpgate.xmlrpc.BackupReader;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.ReadResult;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync path's one decision stage: reads the buffered body as the backup would, asks the decider (the pair's
 * {@link Gatekeeper}), and acts on the {@link Verdict}: a suppressed or rejected call is answered by carpgate
 * ({@link OwnAnswers}), a forwarded one goes on to the next stage (the forwarder) through the request's own
 * {@code read()}, patched where the verdict rewrites it. In observe mode every call is decided and logged as
 * usual, and the master's bytes go on as they are.
 *
 * <p>Fails closed, in every mode: any exception while reading, deciding or patching becomes an XML-RPC fault and a
 * {@code rejected} record, and nothing goes to the backup. The exception's message is not repeated anywhere (it
 * may quote the request); its type and where it was thrown are logged for the developers.
 */
final class Deciding extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(Deciding.class);
    /** No call to judge: the backup answers a bodyless request itself (as it does for a GET). */
    private static final Gatekeeper.Decided NOTHING_TO_DECIDE =
            new Gatekeeper.Decided(new Verdict.Forward(List.of(), List.of()), PendingCall.none());

    private final Function<MethodCall, Gatekeeper.Decided> decider;
    private final BiFunction<Optional<MethodCall>, String, PendingCall> unjudged;
    private final boolean observe;
    private final BodyBudget budget;
    private final Metrics metrics;

    /**
     * @param decider the pair's {@link Gatekeeper#decide} (a test may pass one that breaks)
     * @param observe observe mode: decide and log, then send the master's bytes on unchanged
     * @param budget  the bodies' budget, which what the reader keeps of a body is charged to while it is decided
     */
    Deciding(Function<MethodCall, Gatekeeper.Decided> decider, boolean observe, BodyBudget budget, Metrics metrics,
             Handler next) {
        this(decider, (call, why) -> PendingCall.none(), observe, budget, metrics, next);
    }

    /**
     * @param unjudged the pair's {@link Gatekeeper#sentUnjudged}: what its memory waits to hear of a call observe mode
     *     sends on although the gate would not have (rejected, suppressed, or not read: then no call)
     */
    Deciding(Function<MethodCall, Gatekeeper.Decided> decider,
             BiFunction<Optional<MethodCall>, String, PendingCall> unjudged, boolean observe, BodyBudget budget,
             Metrics metrics, Handler next) {
        super(next);
        this.decider = decider;
        this.unjudged = unjudged;
        this.observe = observe;
        this.budget = budget;
        this.metrics = metrics;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.BLOCKING; // deciding may wait for the backup's CARP state
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Exchange exchange = Exchange.of(request);
        BufferedRequest buffered = Request.as(request, BufferedRequest.class);
        byte[] body = buffered.bytes();
        Gatekeeper.Decided decided;
        Optional<List<ByteBuffer>> toSend;
        try {
            decided = decide(body, buffered.held(), Request.getRemoteAddr(request));
            toSend = toSend(body, decided);
        } catch (NoRoomNow e) {
            BodyBuffering.overBudget(metrics, request, response, callback);
            return true;
        } catch (NeverFits e) {
            // Refused for what it would cost, as a body over max-body is: in no mode does it go on.
            decided = e.decided;
            toSend = Optional.empty();
        } catch (RuntimeException | Error e) {
            // An Error too (a stack overflow, no heap for a huge body): whatever it is, nothing goes on.
            decided = internalError(exchange, e);
            toSend = Optional.empty();
        }
        if (toSend.isPresent()) {
            // First: whatever follows, the end of the request settles the call and gives its turn back.
            Settling.attach(request, pending(decided));
        }
        exchange.decided(decided.verdict().calls(), observe && toSend.isPresent());
        if (toSend.isEmpty()) {
            OwnAnswers.decided(response, callback, decided.verdict());
            return true;
        }
        try {
            return super.handle(BufferedRequest.toSend(request, toSend.get()), response, callback);
        } catch (RuntimeException | Error e) {
            // The forwarding stage failed before the call left: the master must not take it for delivered.
            String why = "internal error in carpgate before the call reached the backup (" + e.getClass().getSimpleName() + ")";
            Settling.of(request).ifPresent(s -> s.notSent(why));
            exchange.failed(why);
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                OwnAnswers.rejected(response, callback, HttpStatus.BAD_GATEWAY_502, OwnAnswers.INTERNAL_ERROR, why);
            }
            return true;
        }
    }

    /** @param held what the body holds of the budget (its buffer as it grew: a chunked body's may exceed its length) */
    private Gatekeeper.Decided decide(byte[] body, long held, String client) {
        if (body.length == 0) {
            return NOTHING_TO_DECIDE;
        }
        // Only what the gate reads is kept: a 50 MiB restore's tree would otherwise outweigh the body. What is kept
        // (all of any other call's values) is charged beside the bodies while the decision, which may wait for its
        // turn, holds it; nothing of the tree outlives the decision, and all of it is given back, however it ends.
        try (KeptCharge kept = new KeptCharge(budget, client, held)) {
            ReadResult read = BackupReader.read(body, Gate.READS, kept);
            if (read instanceof ReadResult.OverBudget) {
                throw overBudget(kept, held);
            }
            if (read instanceof ReadResult.Unreadable unreadable) {
                return sentAnyway(new Gatekeeper.Decided(new Verdict.Reject(unreadable.faultCode(),
                        unreadable.reason(), List.of(Rejections.unreadable(unreadable.reason()))),
                        PendingCall.none()), Optional.empty());
            }
            MethodCall call = ((ReadResult.Call) read).call();
            return sentAnyway(decider.apply(call), Optional.of(call));
        }
    }

    /**
     * In observe mode a call the gate would have rejected or suppressed, or could not read, still goes to the backup,
     * which may store a restore in it that carpgate did not read: the pair's memory must hear of it, or enforce mode,
     * switched on later, would decide starts on what the backup held before. Asked while the call's tree is charged.
     */
    private Gatekeeper.Decided sentAnyway(Gatekeeper.Decided decided, Optional<MethodCall> call) {
        boolean answeredByCarpgate = decided.verdict().fold(forward -> false, rewrite -> false,
                suppress -> true, reject -> true);
        if (!observe || !answeredByCarpgate) {
            return decided;
        }
        String why = call.isPresent()
                ? "observe mode sent the backup a call that holds a restore, which enforce mode would have rejected"
                : "observe mode sent the backup a body carpgate could not read, which may have held a restore";
        return new Gatekeeper.Decided(decided.verdict(), unjudged.apply(call, why));
    }

    /**
     * A call whose kept values do not fit: answered as a body that does not (503, retry) while others hold the
     * budget; a fault when even alone it could not fit, as retrying would only be refused again.
     */
    private RuntimeException overBudget(KeptCharge kept, long held) {
        if (kept.couldFitWith(held)) {
            return new NoRoomNow();
        }
        String why = "the values carpgate reads to decide this call need more heap than limits.body-budget allows"
                + " beside its body, even with no other request in flight";
        return new NeverFits(new Gatekeeper.Decided(new Verdict.Reject(OwnAnswers.INTERNAL_ERROR, why,
                List.of(Rejections.overBudget(why))), PendingCall.none()));
    }

    /** Even alone, what the reader keeps of this call could not fit: the fault it gets, in every mode. */
    private static final class NeverFits extends RuntimeException {
        private final transient Gatekeeper.Decided decided;

        NeverFits(Gatekeeper.Decided decided) {
            super("larger than limits.body-budget", null, false, false);
            this.decided = decided;
        }
    }

    /** The budget has no room now for what the reader keeps of this call; thrown once the charge is given back. */
    private static final class NoRoomNow extends RuntimeException {
        NoRoomNow() {
            super("no room in limits.body-budget", null, false, false);
        }
    }

    /** The body for the backup, or empty when carpgate answers itself; in observe mode always the master's. */
    private Optional<List<ByteBuffer>> toSend(byte[] body, Gatekeeper.Decided decided) {
        if (observe) {
            return Optional.of(List.of(ByteBuffer.wrap(body)));
        }
        try {
            return decided.verdict().fold(
                    forward -> Optional.of(List.of(ByteBuffer.wrap(body))),
                    rewrite -> Optional.of(BodyPatcher.patch(body, rewrite.changes())),
                    suppress -> Optional.empty(),
                    reject -> Optional.empty());
        } catch (RuntimeException | Error e) {
            decided.pending().settle(new BackupOutcome.NotStored("carpgate failed before sending it"));
            throw e;
        }
    }

    /** What the pair's memory waits to hear of the call that goes on. */
    private PendingCall pending(Gatekeeper.Decided decided) {
        if (observe && decided.verdict().calls().stream().anyMatch(c -> c.action() == Action.REWRITTEN)) {
            // The backup stores the master's carp_depend_on, not the one carpgate would have written.
            return decided.pending().notAsRead("observe mode: the restore went on as the master sent it, not rewritten");
        }
        return decided.pending();
    }

    private static Gatekeeper.Decided internalError(Exchange exchange, Throwable e) {
        StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
        String where = e.getClass().getSimpleName() + (at == null ? "" : " at " + at.getClassName() + "."
                + at.getMethodName() + ":" + at.getLineNumber());
        LOG.error("pair {}: internal error while deciding a request ({}); it was rejected, nothing was sent to the "
                + "backup", exchange.pair(), where);
        String why = "internal error in carpgate (" + e.getClass().getSimpleName() + ")";
        return new Gatekeeper.Decided(new Verdict.Reject(OwnAnswers.INTERNAL_ERROR, why,
                List.of(Rejections.internalError(why))), PendingCall.none());
    }
}
