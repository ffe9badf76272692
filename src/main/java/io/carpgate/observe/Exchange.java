package io.carpgate.observe;

import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Request;

/**
 * What happened to one HTTP request, filled in by the proxy as it goes and read by the logs when the
 * request completes. One per request, kept as a request attribute; confined to that request's handling.
 */
public final class Exchange {
    private static final String ATTRIBUTE = Exchange.class.getName();

    private final long startNanos;
    private volatile long bodyBytes;
    private volatile List<CallOutcome> calls = List.of();
    private volatile Optional<Integer> upstreamStatus = Optional.empty();
    private volatile Optional<String> failure = Optional.empty();
    private volatile boolean observed;
    private volatile String pair = "-";
    private volatile long forwardedAtNanos;
    private volatile Optional<Long> upstreamNanos = Optional.empty();

    private Exchange(long startNanos) {
        this.startNanos = startNanos;
    }

    public static Exchange begin(Request request) {
        Exchange exchange = new Exchange(System.nanoTime());
        request.setAttribute(ATTRIBUTE, exchange);
        return exchange;
    }

    public static Optional<Exchange> of(Request request) {
        return Optional.ofNullable(request.getAttribute(ATTRIBUTE))
                .filter(Exchange.class::isInstance).map(Exchange.class::cast);
    }

    public void bodyBytes(long bytes) {
        this.bodyBytes = bytes;
    }

    public void decided(List<CallOutcome> outcomes) {
        this.calls = List.copyOf(outcomes);
    }

    /** The pair whose path the request came in on ("-" when none matched). */
    public void pair(String name) {
        this.pair = name;
    }

    public String pair() {
        return pair;
    }

    /** The call leaves for the backup now. */
    public void forwarding() {
        this.forwardedAtNanos = System.nanoTime();
    }

    public void upstreamAnswered(int status) {
        this.upstreamStatus = Optional.of(status);
        if (forwardedAtNanos != 0) {
            this.upstreamNanos = Optional.of(System.nanoTime() - forwardedAtNanos);
        }
    }

    /** How long the backup took to answer, when the call went to it and it did. */
    public Optional<Long> upstreamNanos() {
        return upstreamNanos;
    }

    /** The call was meant for the backup but did not get there (or its answer did not come back). */
    public void failed(String reason) {
        this.failure = Optional.of(reason);
        this.calls = calls.stream()
                .map(c -> c.action() == Action.FORWARDED || c.action() == Action.REWRITTEN
                        ? c.withAction(Action.FAILED, reason + " (was: " + c.action().word() + ", " + c.reason() + ")")
                        : c)
                .toList();
    }

    /** observe mode: the decision was only logged, the master's request went to the backup unchanged. */
    public void observedOnly() {
        this.observed = true;
    }

    public boolean observed() {
        return observed;
    }

    public long bodyBytes() {
        return bodyBytes;
    }

    public List<CallOutcome> calls() {
        return calls;
    }

    public Optional<Integer> upstreamStatus() {
        return upstreamStatus;
    }

    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** The method(s) for the access log: one name, or the names of a multicall's calls joined by '+'. */
    public String methodSummary() {
        if (calls.isEmpty()) {
            return "-";
        }
        return String.join("+", calls.stream().map(CallOutcome::method).distinct().toList());
    }

    /** The request's overall decision: the strongest action of its calls. */
    public String decisionSummary() {
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
}
