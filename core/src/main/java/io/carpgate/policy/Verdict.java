package io.carpgate.policy;

import io.carpgate.xmlrpc.BodyPatcher;
import java.util.List;
import java.util.function.Function;

/** The gate's answer for one request body. */
public sealed interface Verdict {

    /** One outcome per XML-RPC call in the request, for the decision log. */
    List<CallOutcome> calls();

    /** Items seen in a restore, so later starts can be tied to a VHID. */
    default List<CarpItem> learned() {
        return List.of();
    }

    /**
     * The one way to act on a verdict: every kind must be handled, and a new kind of verdict does not compile
     * until every caller handles it (Java 17 has no exhaustive switch over a sealed type).
     */
    <R> R fold(Function<Forward, R> forward, Function<Rewrite, R> rewrite, Function<Suppress, R> suppress,
               Function<Reject, R> reject);

    /** Send the master's body to the backup unchanged. */
    record Forward(List<CallOutcome> calls, List<CarpItem> learned) implements Verdict {
        @Override
        public <R> R fold(Function<Forward, R> forward, Function<Rewrite, R> rewrite, Function<Suppress, R> suppress,
                          Function<Reject, R> reject) {
            return forward.apply(this);
        }
    }

    /** Send the master's body with these strings replaced in place. */
    record Rewrite(List<BodyPatcher.Replacement> changes, List<CallOutcome> calls, List<CarpItem> learned) implements Verdict {
        public Rewrite {
            if (changes.isEmpty()) {
                throw new IllegalArgumentException("a rewrite changes something");
            }
        }

        @Override
        public <R> R fold(Function<Forward, R> forward, Function<Rewrite, R> rewrite, Function<Suppress, R> suppress,
                          Function<Reject, R> reject) {
            return rewrite.apply(this);
        }
    }

    /**
     * Send nothing; tell the master, in an ordinary string response, what was suppressed and why
     * ({@code message}: the call and the reason; the proxy's answer says who suppressed it).
     */
    record Suppress(String message, List<CallOutcome> calls) implements Verdict {
        @Override
        public <R> R fold(Function<Forward, R> forward, Function<Rewrite, R> rewrite, Function<Suppress, R> suppress,
                          Function<Reject, R> reject) {
            return suppress.apply(this);
        }
    }

    /**
     * Send nothing; answer with an XML-RPC fault: carpgate cannot tell what the backup would run
     * ({@code message}: why; the proxy's answer says that nothing was sent).
     */
    record Reject(int faultCode, String message, List<CallOutcome> calls) implements Verdict {
        @Override
        public <R> R fold(Function<Forward, R> forward, Function<Rewrite, R> rewrite, Function<Suppress, R> suppress,
                          Function<Reject, R> reject) {
            return reject.apply(this);
        }
    }
}
