package io.carpgate.carp;

import java.time.Duration;
import java.time.Instant;

/** One read of the backup's CARP view, and when it was made (a failed read is a reading too). */
public record CarpReading(CarpView view, Instant at) {
    public Duration age(Instant now) {
        Duration age = Duration.between(at, now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    public boolean answered() {
        return view instanceof CarpView.Known;
    }
}
