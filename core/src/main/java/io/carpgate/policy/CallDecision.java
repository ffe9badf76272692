package io.carpgate.policy;

import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.Clip;
import java.util.List;

/** The decision about one call, before calls of a multicall are combined into a {@link Verdict}. */
sealed interface CallDecision {
    CallOutcome outcome();

    /** The backup may run it: as sent, or with {@code changes}. */
    record Forward(CallOutcome outcome, List<BodyPatcher.Replacement> changes, List<CarpItem> learned) implements CallDecision {
        static Forward unchanged(CallOutcome outcome) {
            return new Forward(outcome, List.of(), List.of());
        }
    }

    /** Would start an item where it must not run (CARP not MASTER, or unknown). */
    record Suppress(CallOutcome outcome, String message) implements CallDecision {
        public Suppress {
            message = Clip.to(Clip.LONG, message); // the master's answer quotes the call: cut, as the record is
        }
    }

    /** carpgate cannot tell what the backup would run. */
    record Reject(CallOutcome outcome, int faultCode, String message) implements CallDecision {
        public Reject {
            message = Clip.to(Clip.LONG, message);
        }
    }
}
