package io.carpgate.observe;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A console WARN a client can make carpgate write (a request it rejects, an answer it hangs up on, a call that
 * fails): at most one a minute, the next saying how many were left out. One line costs a client one request, and
 * the console and journald are the admin's, not a client's to flood. The decision and access logs still have every one.
 */
public final class RepeatedLine {
    static final long EVERY_NANOS = 60_000_000_000L;

    private final Logger log;
    private final LongSupplier nanoClock;
    private final AtomicLong last;
    private final AtomicLong unsaid = new AtomicLong();

    public RepeatedLine(Logger log) {
        this(log, System::nanoTime);
    }

    RepeatedLine(Logger log, LongSupplier nanoClock) {
        this.log = log;
        this.nanoClock = nanoClock;
        this.last = new AtomicLong(nanoClock.getAsLong() - EVERY_NANOS);
    }

    /**
     * Writes {@code line} (already one line: what a client chose is cleaned by the caller) unless a line of this kind
     * was written less than a minute ago, in which case it is counted.
     *
     * @return whether it was written
     */
    public boolean warn(String line) {
        long now = nanoClock.getAsLong();
        long before = last.get();
        if (now - before < EVERY_NANOS || !last.compareAndSet(before, now)) {
            unsaid.incrementAndGet();
            return false;
        }
        long more = unsaid.getAndSet(0);
        log.warn(more == 0 ? line : line + " (and " + more + " more such line(s) since the last, not logged)");
        return true;
    }
}
