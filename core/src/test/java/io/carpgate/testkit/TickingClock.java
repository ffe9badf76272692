package io.carpgate.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock one step later at every read: every event of a test has a time of its own, in the order it happened. */
public final class TickingClock extends Clock {
    private final AtomicLong nanos;
    private final long step;

    public TickingClock(Instant start, Duration step) {
        this.nanos = new AtomicLong(start.getEpochSecond() * 1_000_000_000L + start.getNano());
        this.step = step.toNanos();
    }

    @Override
    public Instant instant() {
        long at = nanos.getAndAdd(step);
        return Instant.ofEpochSecond(Math.floorDiv(at, 1_000_000_000L), Math.floorMod(at, 1_000_000_000L));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
