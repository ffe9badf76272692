package io.carpgate.memory;

/** What became of a call on the backup, as far as carpgate can tell: the memory learns from it accordingly. */
public sealed interface BackupOutcome {
    /** The backup answered that it stored the restore. */
    record Stored() implements BackupOutcome {}

    /** The backup did not store it: it refused it (a fault, a failed login), or the call never reached it. */
    record NotStored(String why) implements BackupOutcome {}

    /** It may or may not have been stored: the call reached the backup but its answer did not come back readable. */
    record Unknown(String why) implements BackupOutcome {}
}
