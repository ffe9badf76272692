package io.carpgate.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the two log files are being written. Logback keeps a failed write to itself (its status manager), so
 * carpgate's own appender ({@link WatchedFileAppender}) reports each line here: a lost line is counted
 * ({@code carpgate_log_write_errors_total{log}}), said on the console at most once a minute per log, and makes
 * {@code /readyz} and the status page say the log is failing, with the reason, until a line is written again.
 * nginx and HAProxy likewise log their own logging failures. Enforcement never waits for it.
 */
public final class LogHealth {
    /** The two logs, by their metric label. */
    public static final List<String> LOGS = List.of("decision", "access");
    static final Duration CONSOLE_EVERY = Duration.ofMinutes(1);
    private static final Logger CONSOLE = LoggerFactory.getLogger(LogHealth.class);

    private final LongSupplier nanos;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** One log's count, its failure now (if any) and when the console last heard of it. */
    private static final class State {
        final AtomicLong lost = new AtomicLong();
        volatile Optional<String> failing = Optional.empty();
        volatile Instant since = Instant.EPOCH;
        volatile long saidAtNanos;
        volatile boolean said;
    }

    public LogHealth() {
        this(System::nanoTime);
    }

    /** @param nanos the clock of the once-a-minute console line (tests move it) */
    LogHealth(LongSupplier nanos) {
        this.nanos = nanos;
        LOGS.forEach(log -> states.put(log, new State()));
    }

    /** A line of {@code log} was not written, because of {@code why} (a file name and the system's words). */
    void lost(String log, String why) {
        State state = state(log);
        long count = state.lost.incrementAndGet();
        if (state.failing.isEmpty()) {
            state.since = Instant.now();
        }
        state.failing = Optional.of(why);
        long now = nanos.getAsLong();
        synchronized (state) {
            if (!state.said || now - state.saidAtNanos >= CONSOLE_EVERY.toNanos()) {
                state.said = true;
                state.saidAtNanos = now;
                CONSOLE.error("the {} log is NOT being written: {} ({} line(s) lost so far; "
                        + "carpgate_log_write_errors_total counts them, said at most once a minute)", log, why, count);
            }
        }
    }

    /** A line of {@code log} was written: a failure before it is over. */
    void written(String log) {
        State state = state(log);
        if (state.failing.isPresent()) {
            state.failing = Optional.empty();
            CONSOLE.warn("the {} log is written again ({} line(s) lost in all)", log, state.lost.get());
        }
    }

    /** Lines of {@code log} lost since the start. */
    public long lost(String log) {
        return state(log).lost.get();
    }

    /** One line per failing log, in the admin's words, for {@code /readyz} and the status page; empty: all written. */
    public List<String> problems() {
        return LOGS.stream().flatMap(log -> {
            State state = state(log);
            return state.failing.map(why -> log + " log NOT written since " + state.since + ": " + why).stream();
        }).toList();
    }

    private State state(String log) {
        State state = states.get(log);
        if (state == null) {
            throw new IllegalArgumentException("no log " + log);
        }
        return state;
    }
}
