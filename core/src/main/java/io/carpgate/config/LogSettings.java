package io.carpgate.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the logs go and how long they stay: access.log and decisions.jsonl roll daily and at
 * {@code maxFileBytes}; rolled files older than {@code retentionDays} or beyond {@code totalSizeCapBytes}
 * are deleted. {@code level} is carpgate's own console level; Jetty stays at WARN whatever it is.
 */
public record LogSettings(Path dir, int retentionDays, long maxFileBytes, long totalSizeCapBytes, Level level) {
    public static final int DEFAULT_RETENTION_DAYS = 30;
    public static final long DEFAULT_MAX_FILE_BYTES = 50L << 20;
    public static final long DEFAULT_TOTAL_SIZE_CAP_BYTES = 2L << 30;

    public static LogSettings defaults(Path dir) {
        return new LogSettings(dir, DEFAULT_RETENTION_DAYS, DEFAULT_MAX_FILE_BYTES, DEFAULT_TOTAL_SIZE_CAP_BYTES,
                Level.INFO);
    }

    public enum Level {
        ERROR, WARN, INFO, DEBUG, TRACE;

        static Level parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("logs.level must be error, warn, info, debug or trace, not '"
                        + text + "'");
            }
        }
    }
}
