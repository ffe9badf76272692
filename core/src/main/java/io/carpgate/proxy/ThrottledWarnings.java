package io.carpgate.proxy;

import io.carpgate.observe.ConnectionDrop;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import io.carpgate.observe.Logs;

/**
 * One console line per reason per minute at most: 260 strangers knocking must not write 260 lines a second. The
 * line after a quiet minute says how many closes of that reason went unlogged since the last one.
 */
final class ThrottledWarnings {
    private final Logger log;
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private final LongSupplier nanoClock;
    private final Map<ConnectionDrop, Window> windows = new EnumMap<>(ConnectionDrop.class);

    /** Since when a reason's line may be written again, and how many were left out meanwhile. */
    private static final class Window {
        long quietUntil;
        long suppressed;
        boolean logged;
    }

    ThrottledWarnings(Logs logs) {
        this(System::nanoTime, logs);
    }

    ThrottledWarnings(LongSupplier nanoClock, Logs logs) {
        this.nanoClock = nanoClock;
        this.log = logs.of(ThrottledWarnings.class);
        for (ConnectionDrop drop : ConnectionDrop.values()) {
            windows.put(drop, new Window());
        }
    }

    /**
     * Logs the close of a connection from {@code client} (an address, never anything the client sent), or counts it
     * when this reason was logged less than a minute ago.
     *
     * @return the line written, or empty when it was left out (for tests)
     */
    java.util.Optional<String> closed(ConnectionDrop drop, String client, String detail) {
        String line;
        Window window = windows.get(drop);
        synchronized (window) {
            long now = nanoClock.getAsLong();
            if (window.logged && now - window.quietUntil < 0) {
                window.suppressed++;
                return java.util.Optional.empty();
            }
            line = "closed the connection from " + client + ": " + drop.why() + detail
                    + (window.suppressed > 0 ? " (and " + window.suppressed + " more for this reason since the last "
                    + "such line, not logged)" : "");
            window.logged = true;
            window.suppressed = 0;
            window.quietUntil = now + INTERVAL.toNanos();
        }
        log.warn(line);
        return java.util.Optional.of(line);
    }
}
