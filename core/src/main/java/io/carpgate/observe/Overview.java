package io.carpgate.observe;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * carpgate itself, for the top of the status page: what an admin checks first.
 *
 * @param mode {@code enforce} or {@code observe}
 * @param listenerFingerprint SHA-256 of the certificate the masters connect to (to compare with a master's pin)
 * @param lastReloadRejected why the last reload was refused (the configuration before it stays in force);
 *     empty when the last one was applied or none was tried
 */
public record Overview(String version, String mode, String listenerFingerprint, Instant listenerNotAfter,
                       Optional<String> lastReloadRejected, List<String> logProblems) {
    /** @param logProblems one line per log file not being written now ({@link LogHealth#problems()}) */
    public Overview {
        logProblems = List.copyOf(logProblems);
    }
}
