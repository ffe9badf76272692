package io.carpgate.cli;

import java.util.Optional;

/**
 * What {@code bin/carpgate} told the JVM about its start-up cache (the AOT cache on Java 25 and newer, a
 * class-data sharing archive on 17 to 24), said once at {@code run}: that it is in use, or why carpgate
 * starts without one. A plain {@code java -jar} says nothing.
 */
final class StartupCache {
    static final String IN_USE = "carpgate.startup-cache";
    static final String SKIPPED = "carpgate.startup-cache.skipped";

    private StartupCache() {}

    static Optional<String> describe() {
        return describe(Runtime.version(), Optional.ofNullable(System.getProperty(IN_USE)),
                Optional.ofNullable(System.getProperty(SKIPPED)));
    }

    /**
     * @param inUse the cache bin/carpgate gave the JVM
     * @param skipped or why it gave none
     */
    static Optional<String> describe(Runtime.Version version, Optional<String> inUse, Optional<String> skipped) {
        String java = "Java " + version;
        if (inUse.isPresent()) {
            // Should the JVM still refuse it, its own "[error][aot]" or "[error][cds]" lines above say so.
            return Optional.of(java + ", start-up cache " + inUse.get());
        }
        return skipped.map(why -> java + ", starting without a start-up cache (first calls slower): " + why
                + (version.feature() < 25 ? "; Java 25 or newer starts fastest" : ""));
    }
}
