package io.carpgate.policy;

import java.util.List;
import java.util.Optional;

/** The VHID map as the policy sees it. */
public interface VhidHints {
    /** The entry for an item of {@code kind}, by uuid first, then by name (empty name: uuid only). */
    default Optional<VhidHint> find(ItemKind kind, String uuid, String name) {
        List<VhidHint> ofKind = all().stream().filter(h -> h.kind() == kind).toList();
        Optional<VhidHint> byUuid = uuid.isEmpty() ? Optional.empty()
                : ofKind.stream().filter(h -> h.key().equals(uuid)).findFirst();
        return byUuid.or(() -> name.isEmpty() ? Optional.empty()
                : ofKind.stream().filter(h -> h.key().equals(name)).findFirst());
    }

    /** Every entry, in the map's order, for starts that may hit any item. */
    List<VhidHint> all();

    static VhidHints of(List<VhidHint> entries) {
        List<VhidHint> copy = List.copyOf(entries);
        return () -> copy;
    }

    static VhidHints none() {
        return of(List.of());
    }
}
