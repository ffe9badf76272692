package io.carpgate.config;

import io.carpgate.policy.ItemKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Which VHID each item with a CARP dependency follows, by kind and by name or uuid (the admin's word). */
public record VhidMap(Optional<Path> source, List<VhidMapEntry> entries) {
    public VhidMap {
        entries = List.copyOf(entries);
    }

    public static VhidMap empty() {
        return new VhidMap(Optional.empty(), List.of());
    }

    /** Of an item of {@code kind}: by uuid first, then by name (a uuid is unambiguous, names are what admins write). */
    public Optional<VhidMapEntry> find(ItemKind kind, String uuid, String name) {
        List<VhidMapEntry> ofKind = entries.stream().filter(e -> e.kind() == kind).toList();
        Optional<VhidMapEntry> byUuid = uuid.isEmpty() ? Optional.empty()
                : ofKind.stream().filter(e -> e.key().equals(uuid)).findFirst();
        return byUuid.or(() -> name.isEmpty() ? Optional.empty()
                : ofKind.stream().filter(e -> e.key().equals(name)).findFirst());
    }

    /** "vhid-map.yml:4": where an entry stands, for messages about it. */
    public String origin(VhidMapEntry entry) {
        return source.map(p -> p.getFileName() + ":" + entry.line()).orElse("line " + entry.line());
    }
}
