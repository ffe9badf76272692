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
public final class VhidHints {
    private static final VhidHints NONE = new VhidHints(Optional.empty(), List.of());

    private final Optional<Path> source;
    private final List<VhidHint> entries;
    private final Map<ItemKind, Map<String, VhidHint>> byKey = new EnumMap<>(ItemKind.class);

    private VhidHints(Optional<Path> source, List<VhidHint> entries) {
        this.source = source;
        this.entries = List.copyOf(entries);
        for (VhidHint entry : this.entries) {
            // The first entry of a key wins, as a walk through the list in the map's order would find it.
            byKey.computeIfAbsent(entry.kind(), k -> new HashMap<>()).putIfAbsent(entry.key(), entry);
        }
    }

    /** @param source the map's file, when it was read from one */
    public static VhidHints of(Optional<Path> source, List<VhidHint> entries) {
        return new VhidHints(source, entries);
    }

    public static VhidHints of(List<VhidHint> entries) {
        return new VhidHints(Optional.empty(), entries);
    }

    /** A pair without a VHID map. */
    public static VhidHints none() {
        return NONE;
    }

    /** The entry for an item of {@code kind}, by uuid first, then by name (empty name: uuid only). */
    public Optional<VhidHint> find(ItemKind kind, String uuid, String name) {
        Map<String, VhidHint> ofKind = byKey.getOrDefault(kind, Map.of());
        Optional<VhidHint> byUuid = uuid.isEmpty() ? Optional.empty() : Optional.ofNullable(ofKind.get(uuid));
        return byUuid.or(() -> name.isEmpty() ? Optional.empty() : Optional.ofNullable(ofKind.get(name)));
    }

    /** Every entry, in the map's order, for starts that may hit any item. */
    public List<VhidHint> all() {
        return entries;
    }

    /** The file the map was read from (none: no map, or one built in code). */
    public Optional<Path> source() {
        return source;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VhidHints that && source.equals(that.source) && entries.equals(that.entries);
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
