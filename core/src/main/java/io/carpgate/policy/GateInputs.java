package io.carpgate.policy;

import io.carpgate.carp.CarpView;
import java.util.Optional;

/**
 * Everything the decision depends on besides the call itself.
 *
 * @param unsettled why what carpgate knows of the pair's items may be out of date right now (a restore to the
 *     backup is still in flight and its outcome not known in time): every gated start is then decided as
 *     unknown, which {@code onUnknownCarp} governs
 */
public record GateInputs(VhidMap vhidMap, ItemBook book, CarpView carp, OnUnknownCarp onUnknownCarp,
                         Optional<String> unsettled) {

    public GateInputs(VhidMap vhidMap, ItemBook book, CarpView carp, OnUnknownCarp onUnknownCarp) {
        this(vhidMap, book, carp, onUnknownCarp, Optional.empty());
    }
}
