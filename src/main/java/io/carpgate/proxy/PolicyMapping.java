package io.carpgate.proxy;

import io.carpgate.config.VhidMap;
import io.carpgate.config.VhidMapEntry;
import io.carpgate.policy.VhidHint;
import io.carpgate.policy.VhidHints;
import java.util.List;
import java.util.Optional;

/** Turns the loaded configuration into the policy's inputs. */
public final class PolicyMapping {
    private PolicyMapping() {}

    public static VhidHints hints(VhidMap map) {
        List<VhidHint> all = map.entries().stream().map(PolicyMapping::hint).toList();
        return new VhidHints() {
            @Override
            public Optional<VhidHint> find(String uuid, String name) {
                return map.find(uuid, name).map(PolicyMapping::hint);
            }

            @Override
            public List<VhidHint> all() {
                return all;
            }
        };
    }

    private static VhidHint hint(VhidMapEntry entry) {
        return new VhidHint(entry.instance(), entry.vhid(), entry.iface(), entry.backupVip());
    }
}
