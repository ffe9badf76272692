package io.carpgate.proxy;

import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import java.util.Optional;

/** Decision-log entries for requests rejected before any call could be read. */
final class Rejections {
    private Rejections() {}

    static CallOutcome unreadable(String reason) {
        return rejected("(unreadable)", reason);
    }

    static CallOutcome tooLarge(long maxBody) {
        return rejected("(too large)", "body larger than " + maxBody + " bytes");
    }

    static CallOutcome overBudget(String reason) {
        return rejected("(body budget)", reason);
    }

    static CallOutcome internalError(String reason) {
        return rejected("(internal error)", reason);
    }

    static CallOutcome badTarget(String reason) {
        return rejected("(bad request line)", reason);
    }

    static CallOutcome notAllowed(String reason) {
        return rejected("(not allowed)", reason);
    }

    private static CallOutcome rejected(String method, String reason) {
        return new CallOutcome(method, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Action.REJECTED, reason);
    }
}
