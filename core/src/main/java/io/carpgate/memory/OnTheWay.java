package io.carpgate.memory;

import io.carpgate.policy.CarpItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calls on their way to the backup that may change what it stores, each by its place in the pair's order: what
 * the file says of their items until their answers come (in doubt), and whether a call carpgate did not read went to
 * the backup while they were on their way (then nobody knows which the backup applied last). Mostly one at a time (a
 * restore waits for every call before it), but observe mode sends a call it did not read without waiting its turn.
 * Changed under the {@link PairMemory}'s monitor; {@link #inDoubt()} is read by writes that do not hold it.
 */
final class OnTheWay {
    /**
     * @param inDoubt    what the file says of its items meanwhile (empty: it would change nothing known)
     * @param unread     a call the gate did not read (it may hold any restore)
     * @param overlapped a call carpgate did not read was on its way at the same time
     */
    record Call(List<CarpItem> inDoubt, boolean unread, boolean overlapped) {}

    private final Map<CallOrder.Ticket, Call> calls = new LinkedHashMap<>();
    private volatile List<CarpItem> inDoubt = List.of();

    /** A restore the gate read goes out. */
    void restore(CallOrder.Ticket call, List<CarpItem> inDoubtMeanwhile) {
        boolean overlapped = calls.values().stream().anyMatch(Call::unread);
        calls.put(call, new Call(List.copyOf(inDoubtMeanwhile), false, overlapped));
        recount();
    }

    /** A call the gate did not read goes out: every call on its way now overlaps it, and it them. */
    void unread(CallOrder.Ticket call, List<CarpItem> inDoubtMeanwhile) {
        boolean overlapped = !calls.isEmpty();
        calls.replaceAll((ticket, other) -> new Call(other.inDoubt(), other.unread(), true));
        calls.put(call, new Call(List.copyOf(inDoubtMeanwhile), true, overlapped));
        recount();
    }

    /** The call as it is on its way, if it is (a start never is). */
    Optional<Call> peek(CallOrder.Ticket call) {
        return Optional.ofNullable(calls.get(call));
    }

    /** The call's outcome is known: it is no longer on its way. Empty when it was never registered (a start). */
    Optional<Call> leave(CallOrder.Ticket call) {
        Optional<Call> left = Optional.ofNullable(calls.remove(call));
        left.ifPresent(c -> recount());
        return left;
    }

    /** What the file says, beside the book, of the items of every call on its way. */
    List<CarpItem> inDoubt() {
        return inDoubt;
    }

    private void recount() {
        List<CarpItem> all = new ArrayList<>();
        calls.values().forEach(c -> all.addAll(c.inDoubt()));
        inDoubt = List.copyOf(all);
    }
}
