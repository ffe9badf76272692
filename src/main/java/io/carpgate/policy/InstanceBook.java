package io.carpgate.policy;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What carpgate has learned about WireGuard instances from restores that passed through it. Immutable. */
public record InstanceBook(Map<String, KnownInstance> byUuid) {
    public InstanceBook {
        byUuid = Map.copyOf(byUuid);
    }

    public static InstanceBook empty() {
        return new InstanceBook(Map.of());
    }

    public Optional<KnownInstance> find(String uuid) {
        return Optional.ofNullable(byUuid.get(uuid));
    }

    public Collection<KnownInstance> all() {
        return byUuid.values();
    }

    public InstanceBook with(Collection<KnownInstance> learned) {
        if (learned.isEmpty()) {
            return this;
        }
        Map<String, KnownInstance> next = new LinkedHashMap<>(byUuid);
        learned.forEach(i -> next.put(i.uuid(), i));
        return new InstanceBook(next);
    }
}
