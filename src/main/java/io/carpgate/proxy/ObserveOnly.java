package io.carpgate.proxy;

import io.carpgate.memory.PendingCall;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * observe mode, for a cautious rollout: decide and log exactly as usual, then send the master's bytes on as
 * they are. An internal fault still refuses the request (the Interception stage fails closed in every mode).
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
        return new Intercepted.Forward(List.of(ByteBuffer.wrap(body)), decided.calls(), true, pending);
    }
}
