package io.carpgate.proxy;

import io.carpgate.carp.CarpSource;
import io.carpgate.carp.CarpView;
import io.carpgate.policy.Gate;
import io.carpgate.policy.GateInputs;
import io.carpgate.policy.ItemBook;
import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.policy.Verdict;
import io.carpgate.policy.VhidHints;
import io.carpgate.xmlrpc.MethodCall;
import java.util.concurrent.atomic.AtomicReference;

/** The shell around the pure {@link Gate}: fetches the CARP view when needed and remembers learned items. */
public final class Gatekeeper {
    private final VhidHints hints;
    private final CarpSource carp;
    private final OnUnknownCarp onUnknownCarp;
    private final AtomicReference<ItemBook> book;

    public Gatekeeper(VhidHints hints, CarpSource carp, OnUnknownCarp onUnknownCarp) {
        this(hints, carp, onUnknownCarp, ItemBook.empty());
    }

    /** @param learned what an earlier gatekeeper of the same pair learned (kept across a reload) */
    public Gatekeeper(VhidHints hints, CarpSource carp, OnUnknownCarp onUnknownCarp, ItemBook learned) {
        this.hints = hints;
        this.carp = carp;
        this.onUnknownCarp = onUnknownCarp;
        this.book = new AtomicReference<>(learned);
    }

    public ItemBook learned() {
        return book.get();
    }

    public Verdict decide(MethodCall call) {
        CarpView view = Gate.needsCarp(call) ? carp.current() : new CarpView.Unavailable("not needed for this call");
        Verdict verdict = Gate.decide(call, new GateInputs(hints, book.get(), view, onUnknownCarp));
        book.updateAndGet(b -> b.with(verdict.learned()));
        return verdict;
    }
}
