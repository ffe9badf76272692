package io.carpgate.testkit;

import io.carpgate.carp.CarpReading;
import io.carpgate.carp.CarpSource;
import io.carpgate.carp.CarpView;
import java.util.Optional;

/** A backup's CARP view that never changes and is never read from anywhere: for tests of what is decided on it. */
public record FixedCarp(CarpView view) implements CarpSource {
    /** No CARP state to be had: the API cannot be read. */
    public static FixedCarp unavailable() {
        return new FixedCarp(new CarpView.Unavailable("not in this test"));
    }

    @Override
    public CarpView current() {
        return view;
    }

    @Override
    public Optional<CarpReading> lastSeen() {
        return Optional.empty();
    }
}
