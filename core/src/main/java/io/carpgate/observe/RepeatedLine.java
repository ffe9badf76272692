package io.carpgate.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A console WARN a client can make carpgate write (a request it rejects, an answer it hangs up on, a call that
 * fails): at most one a minute for each key (the client's address, say), the next saying how many were left out, and
 * at most {@value #LINES_A_MINUTE} a minute in all, except a key's first line (of the first {@value #FIRST_LINES}
 * keys), which is always said. One line costs a client one request, and the console and journald are the admin's, not
 * a client's to flood; yet one client's flood, from however many of its addresses, must not hide another's first line
 * (the master's, after a reload refused its user). The decision and access logs still have every one.
 */
public final class RepeatedLine {
    static final long EVERY_NANOS = 60_000_000_000L;
    /** The keys remembered (the most recently seen): a client cycling addresses beyond them is held by the total. */
    static final int KEYS = 64;
    static final int LINES_A_MINUTE = 16;
    /**
     * The keys whose first line was said, the first of them only: a key after them (a client cycling through more
     * addresses) has no first line of its own, so however many addresses a client has, its lines stay bounded.
     */
    static final int FIRST_LINES = 1024;

    private final Logger log;
    private final LongSupplier nanoClock;
    private final Map<String, long[]> byKey = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > KEYS;
        }
    };
    private final java.util.Set<String> said = new java.util.HashSet<>();
    /** When the minute of the total began, and the lines written in it. */
    private long minuteStart;
    private int linesThisMinute;

    public RepeatedLine(Logger log) {
        this(log, System::nanoTime);
    }

    RepeatedLine(Logger log, LongSupplier nanoClock) {
        this.log = log;
        this.nanoClock = nanoClock;
        this.minuteStart = nanoClock.getAsLong();
    }

    /** {@link #warn(String, String)} with one key for every line. */
    public boolean warn(String line) {
        return warn("", line);
    }

    /**
     * Writes {@code line} (already one line: what a client chose is cleaned by the caller) unless a line of this
     * {@code key} was written less than a minute ago, or {@value #LINES_A_MINUTE} lines were this minute; then it is
     * counted, and the key's next line says how many.
     *
     * @return whether it was written
     */
    public boolean warn(String key, String line) {
        String written;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (now - minuteStart >= EVERY_NANOS) {
                minuteStart = now;
                linesThisMinute = 0;
            }
            // {when the key's last line was written, lines of the key left out since}
            long[] window = byKey.computeIfAbsent(key, k -> new long[] {now - EVERY_NANOS, 0});
            boolean first = said.size() < FIRST_LINES && said.add(key);
            if (!first && (now - window[0] < EVERY_NANOS || linesThisMinute >= LINES_A_MINUTE)) {
                window[1]++;
                return false;
            }
            long more = window[1];
            window[0] = now;
            window[1] = 0;
            linesThisMinute++;
            written = more == 0 ? line : line + " (and " + more + " more such line(s) since the last, not logged)";
        }
        log.warn(written);
        return true;
    }
}
