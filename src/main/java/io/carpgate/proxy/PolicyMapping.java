package io.carpgate.proxy;

import io.carpgate.config.VhidMap;
import io.carpgate.policy.VhidHint;
import io.carpgate.policy.VhidHints;

/** Turns the loaded configuration into the policy's inputs. */
public final class PolicyMapping {
    private PolicyMapping() {}

    public static VhidHints hints(VhidMap map) {
        return VhidHints.of(map.entries().stream()
                .map(e -> new VhidHint(e.kind(), e.key(), e.vhid(), e.iface(), e.backupVip(), map.origin(e)))
                .toList());
    }
}
