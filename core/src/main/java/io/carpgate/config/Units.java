package io.carpgate.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes ({@code 64MiB}) and durations ({@code 5s}) as written in the configuration. */
final class Units {
    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*(B|KiB|MiB|GiB)?");
    private static final Pattern DURATION = Pattern.compile("([0-9]+)\\s*(ms|s|m)");

    private Units() {}

    static long size(String text, String key) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a size (examples: 1024, 64KiB, 64MiB, 1GiB)");
        }
        long value = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long bytes = switch (unit) {
            case "KiB" -> value << 10;
            case "MiB" -> value << 20;
            case "GiB" -> value << 30;
            default -> value;
        };
        if (bytes < 1 || bytes > (1L << 31) - 16) {
            throw new IllegalArgumentException(key + ": must be between 1 byte and 2GiB");
        }
        return bytes;
    }

    /** A size with TiB allowed and no 2 GiB ceiling (log totals). */
    static long bigSize(String text, String key) {
        Matcher m = Pattern.compile("([0-9]+)\\s*(B|KiB|MiB|GiB|TiB)?").matcher(text.trim());
        if (!m.matches() || m.group(1).length() > 12) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a size (examples: 500MiB, 2GiB)");
        }
        long value = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        int shift = switch (unit) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            case "TiB" -> 40;
            default -> 0;
        };
        if (value < 1 || value > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException(key + ": out of range");
        }
        return value << shift;
    }

    static Duration duration(String text, String key) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a duration (examples: 500ms, 5s, 2m)");
        }
        long value = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(value);
            case "m" -> Duration.ofMinutes(value);
            default -> Duration.ofSeconds(value);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException(key + ": must be more than zero");
        }
        return d;
    }
}
