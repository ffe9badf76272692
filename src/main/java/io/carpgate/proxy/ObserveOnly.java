package io.carpgate.proxy;

import io.carpgate.memory.PendingCall;
import io.carpgate.policy.Action;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * observe mode, for a cautious rollout: decide and log exactly as usual, then send the master's bytes on as
 * they are. An internal fault still rejects the request (the Interception stage fails closed in every mode).
 */
final class ObserveOnly implements Interceptor {
    private final Interceptor decides;

    ObserveOnly(Interceptor decides) {
        this.decides = decides;
    }

    @Override
    public Intercepted intercept(byte[] body) {
        Intercepted decided = decides.intercept(body);
        // The backup gets the master's bytes either way; what a forwarded restore teaches still waits for its answer.
        PendingCall pending = decided.fold(answer -> PendingCall.none(), Intercepted.Forward::pending);
        if (decided.calls().stream().anyMatch(c -> c.action() == Action.REWRITTEN)) {
            // The backup stores the master's carp_depend_on, not the one carpgate would have written.
            pending = pending.notAsRead("observe mode: the restore went on as the master sent it, not rewritten");
        }
        return new Intercepted.Forward(List.of(ByteBuffer.wrap(body)), decided.calls(), true, pending);
    }
}
