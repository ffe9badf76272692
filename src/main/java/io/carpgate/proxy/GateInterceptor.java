package io.carpgate.proxy;

import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PendingCall;
import io.carpgate.policy.Gate;
import io.carpgate.policy.Gatekeeper;
import io.carpgate.policy.Verdict;
import io.carpgate.xmlrpc.BackupReader;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.ReadResult;
import io.carpgate.xmlrpc.XmlRpcResponses;
import java.nio.ByteBuffer;
import java.util.List;

/** Read the body as the backup would, let the {@link Gatekeeper} decide, patch when it says so. */
final class GateInterceptor implements Interceptor {
    private final Gatekeeper gatekeeper;

    GateInterceptor(Gatekeeper gatekeeper) {
        this.gatekeeper = gatekeeper;
    }

    @Override
    public Intercepted intercept(byte[] body) {
        if (body.length == 0) {
            // No call to judge: the backup answers a bodyless request itself (as it does for a GET).
            return new Intercepted.Forward(List.of(ByteBuffer.wrap(body)), List.of(), false);
        }
        // Only what the gate reads is kept: a 50 MiB restore's tree would otherwise outweigh the body.
        ReadResult read = BackupReader.read(body, Gate.READS);
        if (read instanceof ReadResult.Unreadable unreadable) {
            return Answers.fault(unreadable.faultCode(), Answers.NOTHING_SENT + unreadable.reason(),
                    List.of(Rejections.unreadable(unreadable.reason())));
        }
        Gatekeeper.Decided decided = gatekeeper.decide(((ReadResult.Call) read).call());
        Verdict verdict = decided.verdict();
        try {
            return act(body, verdict, decided.pending());
        } catch (RuntimeException | Error e) {
            decided.pending().settle(new BackupOutcome.NotStored("carpgate failed before sending it"));
            throw e;
        }
    }

    private static Intercepted act(byte[] body, Verdict verdict, PendingCall pending) {
        return verdict.fold(
                forward -> new Intercepted.Forward(List.of(ByteBuffer.wrap(body)), forward.calls(), false, pending),
                rewrite -> new Intercepted.Forward(BodyPatcher.patch(body, rewrite.changes()), rewrite.calls(), false,
                        pending),
                suppress -> new Intercepted.Answer(200, XmlRpcResponses.string(
                        XmlRpcResponses.printable(suppress.message())), suppress.calls()),
                reject -> Answers.fault(reject.faultCode(), reject.message(), reject.calls()));
    }
}
