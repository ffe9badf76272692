package io.carpgate.sim;

import io.carpgate.carp.CarpStatus;
import java.util.Optional;

/**
 * A start or restart of a WireGuard instance as the backup ran it, with what it held at that moment: the stored
 * {@code carp_depend_on}, and the VHID and CARP status of the node's VIP of that uuid (empty when the node has no
 * such VIP, the case in which OPNsense brings the instance up as if it had no dependency). For tests that check
 * what carpgate let through against the backup's own state, not against what carpgate believed.
 */
public record WireguardStart(String action, String uuid, String carpDependOn, Optional<Integer> vhid,
                             Optional<CarpStatus> carp) {
    /** The backup's VIP for the dependency exists and is MASTER. */
    public boolean onMaster() {
        return carp.equals(Optional.of(CarpStatus.MASTER));
    }
}
