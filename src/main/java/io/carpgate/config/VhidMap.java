package io.carpgate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Which VHID each WireGuard instance follows, by instance name or uuid (the admin's word). */
public record VhidMap(Optional<Path> source, List<VhidMapEntry> entries) {
    public VhidMap {
        entries = List.copyOf(entries);
    }

    public static VhidMap empty() {
        return new VhidMap(Optional.empty(), List.of());
    }

    /** By uuid first, then by name: a uuid is unambiguous, names are what admins write. */
    public Optional<VhidMapEntry> find(String uuid, String name) {
        Optional<VhidMapEntry> byUuid = uuid.isEmpty() ? Optional.empty()
                : entries.stream().filter(e -> e.instance().equals(uuid)).findFirst();
        return byUuid.or(() -> name.isEmpty() ? Optional.empty()
                : entries.stream().filter(e -> e.instance().equals(name)).findFirst());
    }
}
