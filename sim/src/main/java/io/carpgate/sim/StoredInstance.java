package io.carpgate.sim;

/** A WireGuard instance as the backup stored it from the last restore_config_section. */
public record StoredInstance(String uuid, String name, boolean enabled, String carpDependOn) {}
