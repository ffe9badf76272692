package io.carpgate.memory;

import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import io.carpgate.xmlrpc.BackupAnswer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A call on its way to the backup whose outcome the pair's memory waits for: it holds the call's place in the
 * {@link CallOrder} and what a restore in it would teach. Settled exactly once, by whoever learns the outcome
 * first (the backup's answer, a failure, or the end of the request); later settles are ignored.
 */
public final class PendingCall {
    private static final PendingCall NONE = new PendingCall(Optional.empty(), Optional.empty(), List.of(),
            Optional.empty(), () -> { });

    private final Optional<PairMemory> memory;
    private final Optional<CallOrder.Ticket> ticket;
    private final List<CarpItem> taught;
    /** The kinds whose list of items the restore replaces on the backup (their section is in it, empty or not). */
    private final Set<ItemKind> replaced;
    private final Optional<List<Integer>> multicallRestores;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final Runnable afterStored;
    /** Why what the gate read of the restore is not what the backup stores even when it stores it. */
    private final Optional<String> notAsRead;
    /** Why the call went to the backup without the gate's reading of it (it may have held any restore). */
    private final Optional<String> unjudged;

    private PendingCall(Optional<PairMemory> memory, Optional<CallOrder.Ticket> ticket, List<CarpItem> taught,
                        Optional<List<Integer>> multicallRestores, Runnable afterStored) {
        this(memory, ticket, taught, multicallRestores, afterStored, Optional.empty());
    }

    private PendingCall(Optional<PairMemory> memory, Optional<CallOrder.Ticket> ticket, List<CarpItem> taught,
                        Optional<List<Integer>> multicallRestores, Runnable afterStored, Optional<String> notAsRead) {
        this(memory, ticket, taught, multicallRestores, afterStored, notAsRead, Optional.empty());
    }

    private PendingCall(Optional<PairMemory> memory, Optional<CallOrder.Ticket> ticket, List<CarpItem> taught,
                        Optional<List<Integer>> multicallRestores, Runnable afterStored, Optional<String> notAsRead,
                        Optional<String> unjudged) {
        this(memory, ticket, taught, Set.of(), multicallRestores, afterStored, notAsRead, unjudged);
    }

    private PendingCall(Optional<PairMemory> memory, Optional<CallOrder.Ticket> ticket, List<CarpItem> taught,
                        Set<ItemKind> replaced, Optional<List<Integer>> multicallRestores, Runnable afterStored,
                        Optional<String> notAsRead, Optional<String> unjudged) {
        this.replaced = Set.copyOf(replaced);
        this.unjudged = unjudged;
        this.notAsRead = notAsRead;
        this.afterStored = afterStored;
        this.memory = memory;
        this.ticket = ticket;
        this.taught = List.copyOf(taught);
        this.multicallRestores = multicallRestores;
    }

    /** Nothing to wait for: the call neither reads nor changes the memory. */
    public static PendingCall none() {
        return NONE;
    }

    /** A start, restart or other reading call: only its place in the order. */
    public static PendingCall reading(PairMemory memory, CallOrder.Ticket ticket) {
        return new PendingCall(Optional.of(memory), Optional.of(ticket), List.of(), Optional.empty(), () -> { });
    }

    /**
     * A restore (alone, or in a multicall at {@code multicallRestores}) that teaches {@code taught} once stored.
     *
     * @param afterStored run once the backup stored it (the backup's VIPs may have changed: read them again)
     */
    public static PendingCall restoring(PairMemory memory, CallOrder.Ticket ticket, List<CarpItem> taught,
                                        Optional<List<Integer>> multicallRestores, Runnable afterStored) {
        return restoring(memory, ticket, taught, Set.of(), multicallRestores, afterStored);
    }

    /**
     * The same, replacing on the backup the whole list of items of each kind in {@code replaced}: once stored, what
     * the memory knew of those kinds that the restore does not list is gone from the backup, and from the memory.
     */
    public static PendingCall restoring(PairMemory memory, CallOrder.Ticket ticket, List<CarpItem> taught,
                                        Set<ItemKind> replaced, Optional<List<Integer>> multicallRestores,
                                        Runnable afterStored) {
        return new PendingCall(Optional.of(memory), Optional.of(ticket), taught, replaced, multicallRestores,
                afterStored, Optional.empty(), Optional.empty());
    }

    /**
     * A call observe mode sends on although the gate would have rejected or suppressed it, or could not read it, and
     * that may hold a restore ({@code why}): it holds a restore's place in the order, and unless it is known not to
     * have been stored, every item the memory knows is in doubt afterwards.
     *
     * @param afterStored run unless it is known not to have been stored (the backup's VIPs may have changed)
     */
    public static PendingCall unjudged(PairMemory memory, CallOrder.Ticket ticket, String why, Runnable afterStored) {
        return new PendingCall(Optional.of(memory), Optional.of(ticket), List.of(), Optional.empty(), afterStored,
                Optional.empty(), Optional.of(why));
    }

    /**
     * The same call, but the backup gets the master's bytes, not the ones the gate planned (observe mode after a
     * rewrite): once stored, its items' VHIDs on the backup are not known ({@code why}).
     */
    public PendingCall notAsRead(String why) {
        return this == NONE ? NONE
                : new PendingCall(memory, ticket, taught, replaced, multicallRestores, afterStored, Optional.of(why),
                        unjudged);
    }

    /** Whether the backup's answer must be read to settle this call. */
    public boolean wantsAnswer() {
        return !taught.isEmpty() || !replaced.isEmpty();
    }

    /** What the backup's answer says became of the call. */
    public BackupOutcome outcomeOf(int status, byte[] answer) {
        BackupAnswer read = BackupAnswer.read(answer);
        return multicallRestores.map(entries -> RestoreAnswer.ofMulticall(status, read, entries))
                .orElseGet(() -> RestoreAnswer.ofSingle(status, read));
    }

    private void learn(PairMemory memory, CallOrder.Ticket call, BackupOutcome outcome) {
        boolean maybeStored = !(outcome instanceof BackupOutcome.NotStored);
        if (unjudged.isPresent()) {
            memory.unreadSettled(call, maybeStored, unjudged.get());
        } else if (outcome instanceof BackupOutcome.Stored && notAsRead.isPresent()) {
            memory.inDoubt(call, taught, notAsRead.get());
        } else if (outcome instanceof BackupOutcome.Stored) {
            memory.stored(call, taught, replaced);
        } else if (outcome instanceof BackupOutcome.Unknown unknown) {
            memory.inDoubt(call, taught, unknown.why());
        } else {
            memory.notStored(call);
        }
        if (maybeStored) {
            afterStored.run(); // stored, or it may have been: the backup's VIPs may have changed (a start's is a no-op)
        }
    }

    /**
     * The outcome is known: the memory learns what it says (a change on the disk before), then the next call in
     * the order may go. Whether this outcome was the one that settled it (an earlier one wins).
     */
    /** Whether an outcome has settled it already. */
    public boolean isSettled() {
        return settled.get();
    }

    public boolean settle(BackupOutcome outcome) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        try {
            if (memory.isPresent() && ticket.isPresent()) {
                learn(memory.get(), ticket.get(), outcome);
            }
        } finally {
            ticket.ifPresent(CallOrder.Ticket::settle);
            // A restore that only confirmed what was known goes to the disk now that the next call may go.
            memory.ifPresent(PairMemory::saveConfirmed);
        }
        return true;
    }
}
