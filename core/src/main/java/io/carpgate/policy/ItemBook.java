package io.carpgate.policy;

import java.time.Instant;
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
    /**
     * More items than any HA pair has: past it the ones learned longest ago are forgotten, so restores from a
     * client in allow-from cannot grow carpgate's memory without bound.
     */
    public static final int MAX_ITEMS = 10_000;

    public ItemBook {
        // In the order learned (oldest first), which the bound below relies on.
        byKindAndUuid = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byKindAndUuid));
    }

    public static ItemBook empty() {
        return new ItemBook(Map.of());
    }

    private static String key(ItemKind kind, String uuid) {
        return kind.key() + "/" + uuid;
    }

    /** The key an item is kept under: its kind and uuid. */
    public static String keyOf(CarpItem item) {
        return key(item.kind(), item.uuid());
    }

    public int size() {
        return byKindAndUuid.size();
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

    /**
     * Whether {@code other} holds the same items in the same order, each the same but perhaps for when it was
     * learned: a restore that taught nothing new, only confirmed what was known. Whether an item has a time at all
     * is not a time but what it rests on (a stored restore, or the VHID map alone), so that counts as a change.
     */
    public boolean sameButForTimes(ItemBook other) {
        return untimed(all()).equals(untimed(other.all()));
    }

    private static List<CarpItem> untimed(Collection<CarpItem> items) {
        return items.stream().map(i -> new CarpItem(i.kind(), i.uuid(), i.name(), i.gated(), i.vhid(), i.iface(),
                i.vip(), i.basis(), i.learnedAt().map(t -> Instant.EPOCH), i.device())).toList();
    }

    /**
     * What a stored restore leaves: the items of each kind in {@code replaced} (its section was in the restore, so the
     * backup's list of them was replaced) are those it lists, no more; then {@code learned}, as {@link #with}.
     */
    public ItemBook replacing(java.util.Set<ItemKind> replaced, Collection<CarpItem> learned) {
        if (replaced.isEmpty()) {
            return with(learned);
        }
        java.util.Set<String> listed = new java.util.HashSet<>();
        learned.forEach(i -> listed.add(key(i.kind(), i.uuid())));
        Map<String, CarpItem> kept = new LinkedHashMap<>();
        byKindAndUuid.forEach((key, item) -> {
            if (!replaced.contains(item.kind()) || listed.contains(key)) {
                kept.put(key, item);
            }
        });
        return new ItemBook(kept).with(learned);
    }

    public ItemBook with(Collection<CarpItem> learned) {
        if (learned.isEmpty()) {
            return this;
        }
        Map<String, CarpItem> next = new LinkedHashMap<>(byKindAndUuid);
        for (CarpItem item : learned) {
            String key = key(item.kind(), item.uuid());
            next.remove(key); // re-learned: now the most recent
            next.put(key, item);
        }
        java.util.Iterator<String> oldest = next.keySet().iterator();
        while (next.size() > MAX_ITEMS) {
            oldest.next();
            oldest.remove();
        }
        return new ItemBook(next);
    }
}
