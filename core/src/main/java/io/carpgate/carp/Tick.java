package io.carpgate.carp;

import java.time.Duration;

/**
 * A point on this process's monotonic timeline ({@link Monotonic}): what the age of a CARP reading and the order of
 * reads and restores are measured on, so that a step of the wall clock (NTP correcting a firewall's clock, an admin
 * setting it) makes no reading look fresher, older, newer or earlier than it is. Wall-clock times stay what the
 * status page and the logs show.
 */
public record Tick(long nanos) implements Comparable<Tick> {
    /** Before every tick a running process has: nothing has happened yet. */
    public static final Tick NEVER = new Tick(Long.MIN_VALUE);

    public boolean isBefore(Tick other) {
        return compareTo(other) < 0;
    }

    /** How long after {@code earlier} this is; {@code earlier} {@link #NEVER} is longer ago than any period. */
    public Duration since(Tick earlier) {
        return earlier.equals(NEVER) ? Duration.ofNanos(Long.MAX_VALUE) : Duration.ofNanos(nanos - earlier.nanos);
    }

    @Override
    public int compareTo(Tick other) {
        return Long.compare(nanos, other.nanos);
    }
}
