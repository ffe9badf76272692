package io.carpgate.xmlrpc;

/**
 * Bounds on what {@link BackupReader} will read. A real master's restore_config_section nests about ten
 * config levels (three elements each) and sends a few thousand values; the defaults leave wide room.
 *
 * @param maxDepth      deepest element nesting accepted ({@code methodCall} is depth 1)
 * @param maxNameLength longest trimmed {@code methodName} or member {@code name}, in chars
 * @param maxValues     most {@code <value>} elements in one body
 * @param maxKeptChars  longest text (in chars, white space included) of a value the reader keeps, or of a
 *                      name before trimming; a value it does not keep is checked but never built, so only
 *                      kept text costs heap. Longer is rejected: the gate never decides on a cut value.
 */
public record ReaderLimits(int maxDepth, int maxNameLength, long maxValues, int maxKeptChars) {
    /** 1 Mi chars: no config value the gate reads (names, uuids, VIPs, keys) comes near it. */
    public static final int DEFAULT_MAX_KEPT_CHARS = 1 << 20;
    /** 1 Ki chars for a name; also the bound, in bytes, on a name in markup (see LexicalCheck). */
    public static final int DEFAULT_MAX_NAME_LENGTH = 1024;

    public ReaderLimits {
        if (maxDepth < 1 || maxNameLength < 1 || maxValues < 1 || maxKeptChars < maxNameLength) {
            throw new IllegalArgumentException("limits must be positive (and maxKeptChars at least maxNameLength)");
        }
    }

    public ReaderLimits(int maxDepth, int maxNameLength, long maxValues) {
        this(maxDepth, maxNameLength, maxValues, Math.max(maxNameLength, DEFAULT_MAX_KEPT_CHARS));
    }

    public static ReaderLimits defaults() {
        return new ReaderLimits(64, DEFAULT_MAX_NAME_LENGTH, 4_000_000L, DEFAULT_MAX_KEPT_CHARS);
    }
}
