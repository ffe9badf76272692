package io.carpgate.e2e;

import io.carpgate.observe.ExchangeListener;
import io.carpgate.observe.ExchangeRecord;
import io.carpgate.policy.CallOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Records every finished exchange of a running carpgate, as the logs see them. Jetty ends an exchange just
 * after the master has its answer, so a test waits for the record it needs (with a deadline, failing loudly
 * with everything recorded) instead of reading a log file that may not have its line yet.
 */
final class ExchangeRecorder implements ExchangeListener {
    /** Generous: the tests must pass on a loaded machine, and a match usually arrives within milliseconds. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private final List<ExchangeRecord> records = new CopyOnWriteArrayList<>();

    @Override
    public void onComplete(ExchangeRecord record) {
        records.add(record);
    }

    List<ExchangeRecord> records() {
        return List.copyOf(records);
    }

    List<CallOutcome> calls() {
        return records.stream().flatMap(r -> r.calls().stream()).toList();
    }

    /** The first finished exchange that matches, waiting for it. */
    ExchangeRecord await(String what, Predicate<ExchangeRecord> matching) {
        return until(what, () -> records.stream().filter(matching).findFirst());
    }

    /** The first decided call that matches, waiting for its exchange to finish. */
    CallOutcome awaitCall(String what, Predicate<CallOutcome> matching) {
        return until(what, () -> calls().stream().filter(matching).findFirst());
    }

    /** A call with this method and decision word ({@code suppressed}, {@code rewritten}...). */
    CallOutcome awaitCall(String method, String decision) {
        return awaitCall(method + " " + decision,
                c -> c.method().equals(method) && c.action().word().equals(decision));
    }

    private <T> T until(String what, java.util.function.Supplier<Optional<T>> find) {
        try {
            return Awaitility.await(what).atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                    .until(find::get, Optional::isPresent).orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no finished exchange matched '" + what + "' within " + DEADLINE.toSeconds()
                    + " s; recorded:\n" + summary(), e);
        }
    }

    String summary() {
        return records.stream().map(r -> "  " + r.status() + " " + r.pair() + " " + r.calls().stream()
                        .map(c -> c.method() + " " + c.action().word() + " (" + c.reason() + ")")
                        .collect(Collectors.joining("; ")))
                .collect(Collectors.joining("\n"));
    }
}
