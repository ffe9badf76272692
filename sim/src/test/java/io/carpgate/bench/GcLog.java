package io.carpgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads carpgate's unified GC log ({@code -Xlog:gc:file=...:time}): one line per pause, with the wall-clock
 * time it ended, its kind, heap before and after, and its duration.
 */
final class GcLog {
    /** e.g. {@code [2026-11-25T10:00:00.123+0000] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 24M->5M(128M) 2.345ms} */
    private static final Pattern PAUSE = Pattern.compile(
            "^\\[([^\\]]+)\\].*GC\\(\\d+\\) (Pause .*?) (\\d+)M->(\\d+)M\\((\\d+)M\\) ([0-9.]+)ms$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    record Pause(Instant end, String kind, long beforeMb, long afterMb, long committedMb, double ms) {}

    /** Worst pause and fullest heap (before a pause) within a time window. */
    record Window(int pauses, double maxPauseMs, String maxPauseKind, long peakHeapMb) {}

    private GcLog() {}

    static List<Pause> read(Path file) throws IOException {
        List<Pause> pauses = new ArrayList<>();
        if (!Files.exists(file)) {
            return pauses;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                pauses.add(new Pause(OffsetDateTime.parse(m.group(1), TIME).toInstant(), m.group(2).trim(),
                        Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                        Double.parseDouble(m.group(6))));
            }
        }
        return pauses;
    }

    static Window window(List<Pause> pauses, Instant from, Instant to) {
        int count = 0;
        double max = 0;
        String kind = "-";
        long peak = 0;
        for (Pause p : pauses) {
            if (p.end().isBefore(from) || p.end().isAfter(to)) {
                continue;
            }
            count++;
            if (p.ms() > max) {
                max = p.ms();
                kind = p.kind();
            }
            peak = Math.max(peak, p.beforeMb());
        }
        return new Window(count, max, kind, peak);
    }
}
