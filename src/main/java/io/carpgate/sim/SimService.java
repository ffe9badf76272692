package io.carpgate.sim;

import java.util.Optional;

/** Another service the simulated backup lists (e.g. unbound); most have no id. */
public record SimService(String name, String description, Optional<String> id) {
    public static SimService of(String name, String description) {
        return new SimService(name, description, Optional.empty());
    }
}
