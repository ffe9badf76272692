package io.carpgate.config;

import java.util.Optional;

/** One entry of the VHID map, with the line it stands on (for messages). */
public record VhidMapEntry(String instance, int vhid, Optional<String> iface, Optional<String> backupVip, int line) {}
