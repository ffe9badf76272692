package io.carpgate.policy;

import java.util.Optional;

/**
 * An admin's statement (the VHID map) of which VHID an item of {@code kind} follows, optionally where and which
 * VIP. {@code key} is the item's name or uuid as written in the map; {@code origin} is where ("FILE:LINE").
 */
public record VhidHint(ItemKind kind, String key, int vhid, Optional<String> iface, Optional<String> backupVip,
                       String origin) {

    /** A WireGuard entry without a known origin (tests, and maps built in code). */
    public VhidHint(String key, int vhid, Optional<String> iface, Optional<String> backupVip) {
        this(ItemKind.WIREGUARD, key, vhid, iface, backupVip, "");
    }

    /** Whether this entry names {@code item}: same kind, and its uuid or its name. */
    public boolean names(CarpItem item) {
        return kind == item.kind() && (key.equals(item.uuid()) || (!item.name().isEmpty() && key.equals(item.name())));
    }
}
