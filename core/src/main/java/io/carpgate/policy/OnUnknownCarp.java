package io.carpgate.policy;

/** What to do with a gated start (WireGuard, OpenVPN client) when the backup's CARP state cannot be known. */
public enum OnUnknownCarp {
    SUPPRESS, FORWARD
}
