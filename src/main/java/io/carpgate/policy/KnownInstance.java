package io.carpgate.policy;

import java.util.Optional;

/** A WireGuard instance carpgate has seen in a restore, and the VHID it follows there (when resolved). */
public record KnownInstance(String uuid, String name, Optional<Integer> vhid, Optional<String> iface) {}
