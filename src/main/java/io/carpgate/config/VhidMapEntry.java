package io.carpgate.config;

import io.carpgate.policy.ItemKind;
import java.util.Optional;

/**
 * One entry of the VHID map: the item of {@code kind} it names ({@code key}: its name or uuid), with the line
 * and column its key stands at (for messages).
 */
public record VhidMapEntry(ItemKind kind, String key, int vhid, Optional<String> iface, Optional<String> backupVip,
                           int line, int column) {}
