package io.carpgate.policy;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What carpgate has learned about items with a CARP dependency from restores that passed through it, by
 * kind and uuid (uuids are unique, but a restore is the master's word, so one kind's item never stands in
 * for another's). Immutable.
 */
public record ItemBook(Map<String, CarpItem> byKindAndUuid) {
    public ItemBook {
        byKindAndUuid = Map.copyOf(byKindAndUuid);
    }

    public static ItemBook empty() {
        return new ItemBook(Map.of());
    }

    private static String key(ItemKind kind, String uuid) {
        return kind.key() + "/" + uuid;
    }

    public Optional<CarpItem> find(ItemKind kind, String uuid) {
        return Optional.ofNullable(byKindAndUuid.get(key(kind, uuid)));
    }

    /** Every item with that uuid whose kind is one of {@code kinds}, in the kinds' order. */
    public List<CarpItem> find(Collection<ItemKind> kinds, String uuid) {
        return kinds.stream().flatMap(k -> find(k, uuid).stream()).toList();
    }

    public Collection<CarpItem> all() {
        return byKindAndUuid.values();
    }

    public ItemBook with(Collection<CarpItem> learned) {
        if (learned.isEmpty()) {
            return this;
        }
        Map<String, CarpItem> next = new LinkedHashMap<>(byKindAndUuid);
        learned.forEach(i -> next.put(key(i.kind(), i.uuid()), i));
        return new ItemBook(next);
    }
}
