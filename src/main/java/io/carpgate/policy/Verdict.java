package io.carpgate.policy;

import java.util.List;

/** The gate's answer for one request body. */
public sealed interface Verdict {

    /** One outcome per XML-RPC call in the request, for the decision log. */
    List<CallOutcome> calls();

    /** Items seen in a restore, so later starts can be tied to a VHID. */
    default List<CarpItem> learned() {
        return List.of();
    }

    /** Send the master's body to the backup unchanged. */
    record Forward(List<CallOutcome> calls, List<CarpItem> learned) implements Verdict {}

    /** Send the master's body with these strings replaced in place. */
    record Rewrite(List<SlotChange> changes, List<CallOutcome> calls, List<CarpItem> learned) implements Verdict {
        public Rewrite {
            if (changes.isEmpty()) {
                throw new IllegalArgumentException("a rewrite changes something");
            }
        }
    }

    /** Send nothing; tell the master, in an ordinary string response, what was suppressed and why. */
    record Suppress(String message, List<CallOutcome> calls) implements Verdict {}

    /** Send nothing; answer with an XML-RPC fault: carpgate cannot tell what the backup would run. */
    record Reject(int faultCode, String message, List<CallOutcome> calls) implements Verdict {}
}
