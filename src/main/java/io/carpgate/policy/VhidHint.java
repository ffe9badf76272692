package io.carpgate.policy;

import java.util.Optional;

/** An admin's statement (the VHID map) of which VHID an instance follows, optionally where and which VIP. */
public record VhidHint(String instanceKey, int vhid, Optional<String> iface, Optional<String> backupVip) {}
