package io.carpgate.policy;

import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.Clip;
import java.util.List;

/** The decision about one call, before calls of a multicall are combined into a {@link Verdict}. */
sealed interface CallDecision {
    CallOutcome outcome();

    /** The backup may run it: as sent, or with {@code changes}. */
    record Pass(CallOutcome outcome, List<BodyPatcher.Replacement> changes, List<CarpItem> learned) implements CallDecision {
        static Pass forwarded(CallOutcome outcome) {
            return new Pass(outcome, List.of(), List.of());
        }
    }

    /** Would start an item where it must not run (CARP not MASTER, or unknown). */
    record Stop(CallOutcome outcome, String message) implements CallDecision {
        public Stop {
            message = Clip.to(Clip.LONG, message); // the master's answer quotes the call: cut, as the record is
        }
    }

    /** carpgate cannot tell what the backup would run. */
    record Refuse(CallOutcome outcome, int faultCode, String message) implements CallDecision {
        public Refuse {
            message = Clip.to(Clip.LONG, message);
        }
    }
}
