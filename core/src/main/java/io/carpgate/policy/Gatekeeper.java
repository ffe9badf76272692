package io.carpgate.policy;

import io.carpgate.carp.CarpSource;
import io.carpgate.carp.CarpView;
import io.carpgate.memory.CallOrder;
import io.carpgate.memory.PairMemory;
import io.carpgate.memory.PendingCall;
import io.carpgate.xmlrpc.MethodCall;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shell around the pure {@link Gate}: takes the call's turn in the pair's {@link CallOrder} (a start waits
 * for the restores before it; a restore for every call before it), fetches the CARP view when needed, and
 * hands back with the verdict what the pair's memory waits to hear from the backup. Nothing is learned here:
 * the memory learns from a restore only once the backup has answered it ({@link PendingCall#settle}).
 */
public final class Gatekeeper {
    private static final Logger LOG = LoggerFactory.getLogger(Gatekeeper.class);

    private final String pair;
    private final VhidMap vhidMap;
    private final CarpSource carp;
    private final OnUnknownCarp onUnknownCarp;
    private final PairMemory memory;
    private final Duration turnWait;
    private final RestoreStored restoreStored;

    /**
     * @param turnWait how long a call waits for its turn: the upstream timeout, which bounds every call before it
     * @param restoreStored told when the backup has stored a restore, and whether it may have replaced its VIPs
     */
    public Gatekeeper(String pair, VhidMap vhidMap, CarpSource carp, OnUnknownCarp onUnknownCarp, PairMemory memory,
               Duration turnWait, RestoreStored restoreStored) {
        this.restoreStored = restoreStored;
        this.pair = pair;
        this.vhidMap = vhidMap;
        this.carp = carp;
        this.onUnknownCarp = onUnknownCarp;
        this.memory = memory;
        this.turnWait = turnWait;
    }

    /** A verdict, and what must be settled once the backup's outcome is known. */
    public record Decided(Verdict verdict, PendingCall pending) {}

    public Decided decide(MethodCall call) {
        // Read once: the restore entries of a multicall decide both its place in the order and how its answer is read.
        List<Integer> multicallRestores = Gate.restoreEntries(call);
        boolean restores = Gate.restores(call);
        if (!restores && !Gate.needsCarp(call)) {
            return new Decided(decideNow(call, Optional.empty()), PendingCall.none());
        }
        CallOrder.Ticket ticket = admit(restores ? CallOrder.Role.CHANGES : CallOrder.Role.READS);
        try {
            Optional<String> unsettled = Optional.empty();
            if (!multicallRestores.isEmpty()) {
                // A start in the same multicall runs just before or just after the restore is stored, on a VHID
                // carpgate can only know once the backup has answered: it is decided as unknown.
                unsettled = Optional.of("a restore in the same system.multicall changes which VHID the item follows");
            }
            if (!ticket.inTurn()) {
                if (restores) {
                    LOG.warn("pair {}: a restore waited {} s for the calls before it to be answered; rejected, nothing "
                            + "was sent (the master does not retry: sync again)", pair, turnWait.toSeconds());
                    ticket.settle();
                    return new Decided(Gate.outOfTurn(call, "calls sent to the backup before this restore were not "
                            + "answered within " + turnWait.toSeconds() + " s; try again"), PendingCall.none());
                } else {
                    unsettled = Optional.of("a restore sent to the backup before this call was not answered within "
                            + turnWait.toSeconds() + " s, so which VHID the item follows there is not known yet");
                }
            }
            Verdict verdict = decideNow(call, unsettled);
            Optional<PendingCall> pending = verdict.fold(
                    forward -> Optional.of(pendingFor(call, restores, ticket, verdict, multicallRestores)),
                    rewrite -> Optional.of(pendingFor(call, restores, ticket, verdict, multicallRestores)),
                    suppress -> Optional.empty(),
                    reject -> Optional.empty());
            if (pending.isEmpty()) {
                ticket.settle(); // carpgate answers itself: the backup sees nothing, nothing waits
            }
            return new Decided(verdict, pending.orElse(PendingCall.none()));
        } catch (RuntimeException | Error e) {
            giveBack(ticket); // if it was on its way already (sending), it is not any more
            throw e;
        }
    }

    /** A call that fails before it goes: off the way (if it was on it) and, whatever that write does, its turn back. */
    private void giveBack(CallOrder.Ticket ticket) {
        try {
            memory.notStored(ticket);
        } finally {
            ticket.settle();
        }
    }

    /**
     * Observe mode sends on a call the gate would have rejected or suppressed, or could not read ({@code call} empty),
     * that may hold a restore ({@code why} says which): the backup may store what carpgate did not read. It takes a
     * restore's place (calls after it wait for its answer) and, unless it is known not to have been stored, leaves
     * every item the pair's memory knows in doubt, so that enforce mode, once switched on, suppresses their starts
     * until a restore is seen stored. It waits for no turn: observe mode does not hold calls back.
     */
    public PendingCall sentUnjudged(Optional<MethodCall> call, String why) {
        if (call.isPresent() && !Gate.restores(call.get())) {
            return PendingCall.none(); // a start or another call: the backup stores nothing of the items
        }
        // Its place in the order, taken without waiting: the calls after it wait for its answer, it waits for none.
        CallOrder.Ticket ticket = admit(CallOrder.Role.CHANGES, Duration.ZERO);
        try {
            memory.sendingUnread(ticket, why); // on the disk before it goes, as a restore that changes what is known
        } catch (RuntimeException | Error e) {
            giveBack(ticket); // it never went: off the way again, or every later restore would learn doubt
            throw e;
        }
        return PendingCall.unjudged(memory, ticket, why, () -> restoreStored.stored(true));
    }

    private PendingCall pendingFor(MethodCall call, boolean restores, CallOrder.Ticket ticket, Verdict verdict,
                                   List<Integer> entries) {
        if (!restores) {
            return PendingCall.reading(memory, ticket);
        }
        // On the disk before it goes: a crash before the backup's answer must not leave the file as if it never went.
        memory.sending(ticket, verdict.learned());
        // Read now, not in the callback: the call's tree is the decision's (charged while it decides), not the answer's.
        boolean vips = Gate.replacesVips(call);
        return PendingCall.restoring(memory, ticket, verdict.learned(), Gate.replacedKinds(call),
                entries.isEmpty() ? Optional.empty() : Optional.of(entries), () -> restoreStored.stored(vips));
    }

    private CallOrder.Ticket admit(CallOrder.Role role) {
        return admit(role, turnWait);
    }

    private CallOrder.Ticket admit(CallOrder.Role role, Duration wait) {
        try {
            return memory.order().admit(role, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the call's turn", e);
        }
    }

    private Verdict decideNow(MethodCall call, Optional<String> unsettled) {
        // Both read the backup's VIPs (uuids and all) as an earlier stored restore may have left them: a restore to
        // point its items at them, a start to find the VIP each item follows (by uuid) and its VHID now.
        CarpView view = !Gate.needsCarp(call) ? new CarpView.Unavailable("not needed for this call")
                : carp.currentSince(memory.vipsReplacedAt());
        return Gate.decide(call, new GateInputs(vhidMap, memory.book(), view, onUnknownCarp, unsettled));
    }
}
