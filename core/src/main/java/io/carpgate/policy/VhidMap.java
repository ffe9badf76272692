package io.carpgate.policy;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pair's VHID map, loaded once with its configuration: its entries in the map's order, indexed by kind and key
 * (a key is the item's uuid or its name, so one index serves the lookup by uuid and the one by name).
 */
public final class VhidMap {
    private static final VhidMap NONE = new VhidMap(Optional.empty(), List.of());

    private final Optional<Path> source;
    private final List<VhidMapEntry> entries;
    private final Map<ItemKind, Map<String, VhidMapEntry>> byKey = new EnumMap<>(ItemKind.class);

    private VhidMap(Optional<Path> source, List<VhidMapEntry> entries) {
        this.source = source;
        this.entries = List.copyOf(entries);
        for (VhidMapEntry entry : this.entries) {
            // The first entry of a key wins, as a walk through the list in the map's order would find it.
            byKey.computeIfAbsent(entry.kind(), k -> new HashMap<>()).putIfAbsent(entry.key(), entry);
        }
    }

    /** @param source the map's file, when it was read from one */
    public static VhidMap of(Optional<Path> source, List<VhidMapEntry> entries) {
        return new VhidMap(source, entries);
    }

    public static VhidMap of(List<VhidMapEntry> entries) {
        return new VhidMap(Optional.empty(), entries);
    }

    /** A pair without a VHID map. */
    public static VhidMap none() {
        return NONE;
    }

    /** The entry for an item of {@code kind}, by uuid first, then by name (empty name: uuid only). */
    public Optional<VhidMapEntry> find(ItemKind kind, String uuid, String name) {
        Map<String, VhidMapEntry> ofKind = byKey.getOrDefault(kind, Map.of());
        Optional<VhidMapEntry> byUuid = uuid.isEmpty() ? Optional.empty() : Optional.ofNullable(ofKind.get(VhidMapEntry.uuidLowerCase(uuid)));
        return byUuid.or(() -> name.isEmpty() ? Optional.empty() : Optional.ofNullable(ofKind.get(name)));
    }

    /** Every entry, in the map's order, for starts that may hit any item. */
    public List<VhidMapEntry> all() {
        return entries;
    }

    /** The file the map was read from (none: no map, or one built in code). */
    public Optional<Path> source() {
        return source;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VhidMap that && source.equals(that.source) && entries.equals(that.entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, entries);
    }

    @Override
    public String toString() {
        return "VHID map " + source.map(Path::toString).orElse("(none)") + " with " + entries.size() + " entries";
    }
}
