package io.carpgate.observe;

import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import io.carpgate.xmlrpc.Clip;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A finished exchange: what the access log, the decision log, the metrics and the status page record. Holds
 * names, ids, states and counts only: never a body, an Authorization value or a payload value.
 *
 * @param id the request's id, as the decision log's line written when the call was sent has it
 * @param pair the pair whose path the request came in on, {@code -} when none matched
 * @param requestLine HTTP method, path with query, protocol
 * @param calls one outcome per XML-RPC call (a multicall's inner calls each), empty when none was read
 * @param observed observe mode: the calls were decided and logged, the request went on unchanged
 * @param closedBy why the connection ended before the request was complete, closed by carpgate or by the client
 *     (nothing was answered; {@code status} is then only what Jetty noted)
 */
public record ExchangeRecord(String id, ZonedDateTime time, String pair, String client, Optional<String> user,
                             String requestLine, int status, long bytesIn, long bytesOut, Duration elapsed,
                             List<CallOutcome> calls, boolean observed, Optional<Integer> upstreamStatus,
                             Optional<Duration> upstreamTime, Optional<String> failure, Optional<String> referer,
                             Optional<String> userAgent, Optional<ConnectionDrop> closedBy) {
    public ExchangeRecord {
        calls = List.copyOf(calls);
        // What the client chose (its user name, path and query, headers) is cut before any log or page sees it.
        client = Clip.to(Clip.SHORT, client);
        user = user.map(u -> Clip.to(Clip.SHORT, u));
        requestLine = Clip.to(Clip.LONG, requestLine);
        failure = failure.map(f -> Clip.to(Clip.LONG, f));
        referer = referer.map(r -> Clip.to(Clip.LONG, r));
        userAgent = userAgent.map(a -> Clip.to(Clip.SHORT, a));
    }

    /**
     * The most distinct names {@link #methodSummary} writes: a multicall a hand-made client sends holds a few kinds
     * (the six of a full sync), while one of many names would make one access-log line of megabytes.
     */
    static final int SUMMARY_NAMES = 8;

    /**
     * The method(s) for the access log, where they stand unquoted: one name, or the distinct names of a multicall's
     * calls joined by '+', at most {@value #SUMMARY_NAMES} of them and then {@code +(N-more)}; each name is a
     * {@link LogText#token} (a line feed or a space in a name the client chose cannot end the field or the line, nor
     * start a forged one), and already cut ({@link CallOutcome}), so the summary is a few KiB at most.
     */
    public String methodSummary() {
        if (calls.isEmpty()) {
            return "-";
        }
        List<String> names = calls.stream().map(CallOutcome::method).distinct().toList();
        String shown = String.join("+", names.stream().limit(SUMMARY_NAMES).map(LogText::token).toList());
        return names.size() <= SUMMARY_NAMES ? shown : shown + "+(" + (names.size() - SUMMARY_NAMES) + "-more)";
    }

    /** The request's overall decision: the strongest action of its calls. */
    public String decisionSummary() {
        if (closedBy.isPresent()) {
            return "closed";
        }
        if (calls.isEmpty()) {
            return failure.isPresent() ? Action.FAILED.word() : "-";
        }
        for (Action action : List.of(Action.FAILED, Action.REJECTED, Action.SUPPRESSED, Action.REWRITTEN)) {
            if (calls.stream().anyMatch(c -> c.action() == action)) {
                return action.word();
            }
        }
        return Action.FORWARDED.word();
    }

    public String mode() {
        return observed ? "observe" : "enforce";
    }
}
