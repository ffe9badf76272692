package io.carpgate.proxy;

import io.carpgate.observe.RequestRejected;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import java.util.Optional;

/** Decision-log entries for requests rejected before any call could be read. */
final class Rejections {
    private Rejections() {}

    static CallOutcome unreadable(String reason) {
        return rejected(RequestRejected.UNREADABLE, reason);
    }

    static CallOutcome tooLarge(long maxBody) {
        return rejected(RequestRejected.TOO_LARGE, "body larger than " + maxBody + " bytes");
    }

    static CallOutcome overBudget(String reason) {
        return rejected(RequestRejected.BODY_BUDGET, reason);
    }

    static CallOutcome tooManyCalls(String reason) {
        return rejected(RequestRejected.TOO_MANY_CALLS, reason);
    }

    static CallOutcome internalError(String reason) {
        return rejected(RequestRejected.INTERNAL_ERROR, reason);
    }

    static CallOutcome badTarget(String reason) {
        return rejected(RequestRejected.BAD_REQUEST_LINE, reason);
    }

    static CallOutcome notAllowed(String reason) {
        return rejected(RequestRejected.NOT_ALLOWED, reason);
    }

    static CallOutcome stopping(String reason) {
        return rejected(RequestRejected.STOPPING, reason);
    }

    static CallOutcome reloading(String reason) {
        return rejected(RequestRejected.RELOADING, reason);
    }

    private static CallOutcome rejected(RequestRejected method, String reason) {
        return new CallOutcome(method.word(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Action.REJECTED, reason);
    }
}
