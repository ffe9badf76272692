package io.carpgate.policy;

import java.util.Optional;

/**
 * An item with a CARP dependency carpgate has seen in a restore, and the VHID it follows there (when resolved).
 *
 * @param gated whether its starts wait for CARP MASTER: its kind's starts are gated and its dependency counts
 */
public record CarpItem(ItemKind kind, String uuid, String name, boolean gated, Optional<Integer> vhid,
                       Optional<String> iface) {

    /** The name, else the uuid: how logs and the status page name it. */
    public String shownName() {
        return name.isEmpty() ? uuid : name;
    }
}
