package io.carpgate.xmlrpc;

/**
 * Bounds on what {@link BackupReader} will read. A real master's restore_config_section nests about ten
 * config levels (three elements each) and sends a few thousand values; the defaults leave wide room.
 *
 * @param maxDepth      deepest element nesting accepted ({@code methodCall} is depth 1)
 * @param maxNameLength longest trimmed {@code methodName} or member {@code name}, in chars
 * @param maxValues     most {@code <value>} elements in one body
 */
public record ReaderLimits(int maxDepth, int maxNameLength, long maxValues) {
    public ReaderLimits {
        if (maxDepth < 1 || maxNameLength < 1 || maxValues < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static ReaderLimits defaults() {
        return new ReaderLimits(64, 1024, 4_000_000L);
    }
}
