package io.carpgate.admin;

import io.carpgate.observe.PairStatus;
import java.util.List;

/**
 * Ready when the backup API of every pair answered carpgate's last read of it (carpgate can then decide on
 * WireGuard starts with live state) and both log files are being written. Reads nothing itself; says how old each pair's last read is.
 */
record Readiness(boolean ready, String text) {
    /** @param logProblems the log files not being written: not ready, for the audit trail is going missing */
    static Readiness of(List<PairStatus> pairs, List<String> logProblems) {
        StringBuilder text = new StringBuilder();
        boolean ready = logProblems.isEmpty();
        logProblems.forEach(p -> text.append("logs: NOT READY - ").append(p).append('\n'));
        for (PairStatus pair : pairs) {
            ready &= pair.ready();
            text.append(pair.name()).append(": ")
                    .append(pair.carpProblem().map(p -> "NOT READY - " + p).orElse("ready - backup API answers"))
                    .append(pair.carpAge().map(a -> " (last read " + StatusPage.ago(a) + ")").orElse(""))
                    .append('\n');
        }
        return new Readiness(ready, (ready ? "ready\n" : "not ready\n") + text);
    }
}
