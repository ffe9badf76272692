package io.carpgate.memory;

import io.carpgate.xmlrpc.BackupAnswer;
import java.util.List;
import java.util.Map;

/**
 * Whether the backup stored a restore, from its answer. OPNsense's {@code restore_config_section} answers
 * {@code true} when it has merged and written the sections; a failed login is answered with the string
 * {@code Authentication failed} (docs/PROTOCOL.md); any fault means the method did not complete. In a
 * {@code system.multicall}, each entry's result is an array of one value, or a fault struct. Anything else is
 * not known to be either, and counts as {@link BackupOutcome.Unknown}: carpgate then trusts neither the old nor the
 * new VHIDs of the restore's items.
 */
public final class RestoreAnswer {
    private static final String AUTH_FAILED = "Authentication failed";

    private RestoreAnswer() {}

    /** What a restore call (alone, not in a multicall) became, from the backup's HTTP status and answer. */
    public static BackupOutcome ofSingle(int status, BackupAnswer answer) {
        return http(status).orElse(ofValue(answer));
    }

    /**
     * What the restores of a multicall became.
     *
     * @param restoreEntries the positions of the restore entries in the multicall
     */
    public static BackupOutcome ofMulticall(int status, BackupAnswer answer, List<Integer> restoreEntries) {
        java.util.Optional<BackupOutcome> byStatus = http(status);
        if (byStatus.isPresent()) {
            return byStatus.get();
        }
        if (answer instanceof BackupAnswer.Fault fault) {
            return new BackupOutcome.NotStored("the backup answered the multicall with fault " + fault.code());
        }
        if (!(answer instanceof BackupAnswer.Value value)) {
            return new BackupOutcome.Unknown(((BackupAnswer.Unreadable) answer).reason());
        }
        if (AUTH_FAILED.equals(value.value())) {
            return new BackupOutcome.NotStored("the backup refused the login");
        }
        if (!(value.value() instanceof Object[] results)) {
            return new BackupOutcome.Unknown("the backup's answer to the multicall is not a list of results");
        }
        int stored = 0;
        int refused = 0;
        for (int entry : restoreEntries) {
            Object result = entry < results.length ? results[entry] : null;
            if (result instanceof Object[] one && one.length == 1 && Boolean.TRUE.equals(one[0])) {
                stored++;
            } else if (result instanceof Map<?, ?> struct && struct.containsKey("faultCode")) {
                refused++;
            }
        }
        if (stored == restoreEntries.size()) {
            return new BackupOutcome.Stored();
        }
        if (refused == restoreEntries.size()) {
            return new BackupOutcome.NotStored("the backup answered every restore of the multicall with a fault");
        }
        return new BackupOutcome.Unknown("the backup's answers to the restores of the multicall do not all say stored");
    }

    private static BackupOutcome ofValue(BackupAnswer answer) {
        if (answer instanceof BackupAnswer.Fault fault) {
            return new BackupOutcome.NotStored("the backup answered with fault " + fault.code());
        }
        if (answer instanceof BackupAnswer.Unreadable unreadable) {
            return new BackupOutcome.Unknown(unreadable.reason());
        }
        Object value = ((BackupAnswer.Value) answer).value();
        if (Boolean.TRUE.equals(value)) {
            return new BackupOutcome.Stored();
        }
        if (AUTH_FAILED.equals(value)) {
            return new BackupOutcome.NotStored("the backup refused the login");
        }
        return new BackupOutcome.Unknown("the backup's answer is not true");
    }

    /**
     * A status that says it all: a 4xx (but a timeout) means the backup's script did not run the call; a 5xx or
     * anything else but 200 means it may have run part of it.
     */
    private static java.util.Optional<BackupOutcome> http(int status) {
        if (status == 200) {
            return java.util.Optional.empty();
        }
        if (status >= 400 && status < 500 && status != 408) {
            return java.util.Optional.of(new BackupOutcome.NotStored("the backup answered HTTP " + status));
        }
        return java.util.Optional.of(new BackupOutcome.Unknown("the backup answered HTTP " + status));
    }
}
