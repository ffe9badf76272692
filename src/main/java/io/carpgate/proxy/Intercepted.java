package io.carpgate.proxy;

import io.carpgate.memory.PendingCall;
import io.carpgate.policy.CallOutcome;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;

/** What the sync path does with a buffered request: carpgate answers it itself, or sends a body on to the backup. */
sealed interface Intercepted {
    /** One outcome per XML-RPC call read from the request (empty when there was nothing to read). */
    List<CallOutcome> calls();

    /** Act on it; every kind must be handled (see {@code Verdict.fold}). */
    <R> R fold(Function<Answer, R> answer, Function<Forward, R> forward);

    /** carpgate answers, nothing goes to the backup. */
    record Answer(int status, byte[] xml, List<CallOutcome> calls) implements Intercepted {
        @Override
        public <R> R fold(Function<Answer, R> answer, Function<Forward, R> forward) {
            return answer.apply(this);
        }
    }

    /**
     * This body (the master's, or the master's patched) goes to the backup.
     *
     * @param observed observe mode: the calls were decided and logged, and the body is the master's unchanged
     * @param pending what the pair's memory waits to hear of this call from the backup
     */
    record Forward(List<ByteBuffer> body, List<CallOutcome> calls, boolean observed, PendingCall pending)
            implements Intercepted {
        public Forward {
            body = List.copyOf(body);
        }

        Forward(List<ByteBuffer> body, List<CallOutcome> calls, boolean observed) {
            this(body, calls, observed, PendingCall.none());
        }

        @Override
        public <R> R fold(Function<Answer, R> answer, Function<Forward, R> forward) {
            return forward.apply(this);
        }
    }
}
