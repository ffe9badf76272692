package io.carpgate.carp;

import java.time.Clock;
import java.time.Instant;

/**
 * The process's monotonic clock, for ages and order only ({@link Tick}). One timeline for the whole process: a
 * reload's new runtime measures on the same one as the runtime before it, so what the pair's memory kept from that
 * one (when the backup last replaced its VIPs) still compares.
 */
@FunctionalInterface
public interface Monotonic {
    Tick now();

    /** {@link System#nanoTime()}: never stepped with the wall clock. */
    static Monotonic system() {
        return () -> new Tick(System.nanoTime());
    }

    /** Ticks that follow {@code clock}, for tests that move time by hand (steps of it are then steps of this too). */
    static Monotonic following(Clock clock) {
        return () -> {
            Instant at = clock.instant();
            return new Tick(Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano()));
        };
    }
}
