package io.carpgate.policy;

/** What to do with a WireGuard start when the backup's CARP state cannot be known. */
public enum OnUnknownCarp {
    SUPPRESS, FORWARD
}
