package io.carpgate.config;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code watch}: how often carpgate reads each backup's interfaces and routes for conflicts with its CARP state.
 *
 * @param interval between two reads of each backup; {@link Duration#ZERO} when off (no read at all)
 */
public record WatchSettings(Duration interval) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    /** Shorter would only add load on the backup's API (each read is three configd runs of netstat). */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    public static WatchSettings defaults() {
        return new WatchSettings(DEFAULT_INTERVAL);
    }

    public boolean off() {
        return interval.isZero();
    }

    static WatchSettings read(Optional<Section> watch) throws ConfigException {
        if (watch.isEmpty()) {
            return defaults();
        }
        Section section = watch.get();
        Optional<String> text = section.text("interval");
        if (text.isEmpty()) {
            return defaults();
        }
        // YAML reads a bare off as false.
        if (text.get().trim().equalsIgnoreCase("off") || text.get().trim().equalsIgnoreCase("false")) {
            return new WatchSettings(Duration.ZERO);
        }
        Duration interval = section.parse(section.valueAt("interval"), text.get(),
                t -> Units.duration(t, "watch.interval"));
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw section.error(section.valueAt("interval"), "watch.interval must be at least 1s, or off");
        }
        return new WatchSettings(interval);
    }
}
