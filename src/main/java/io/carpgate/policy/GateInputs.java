package io.carpgate.policy;

import io.carpgate.carp.CarpView;

/** Everything the decision depends on besides the call itself. */
public record GateInputs(VhidHints hints, ItemBook book, CarpView carp, OnUnknownCarp onUnknownCarp) {}
