package io.carpgate.policy;

import java.util.List;
import java.util.Optional;

/** The VHID map as the policy sees it. */
public interface VhidHints {
    /** The entry for an instance, by uuid first, then by name. */
    Optional<VhidHint> find(String uuid, String name);

    /** Every entry, for starts that may hit any instance. */
    List<VhidHint> all();

    static VhidHints none() {
        return new VhidHints() {
            @Override
            public Optional<VhidHint> find(String uuid, String name) {
                return Optional.empty();
            }

            @Override
            public List<VhidHint> all() {
                return List.of();
            }
        };
    }
}
