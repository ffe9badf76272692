package io.carpgate.memory;

import io.carpgate.carp.Tick;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemBook;
import io.carpgate.policy.ItemKind;
import io.carpgate.policy.VhidMap;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What carpgate knows of one pair's items with a CARP dependency, and the order of the calls that read or change
 * it. One per pair and backup for as long as carpgate runs: a reload hands the same memory to the pair's new
 * runtime (never a copy), so a restore still finishing in the old runtime teaches the new one. It learns only what
 * the backup stored: a restore the backup answered with success ({@link #stored}); one whose outcome is not known
 * makes its items unknown ({@link #inDoubt}); one the backup refused, or that never reached it, changes nothing.
 * Every change of what it knows is written to the state folder (when there is one) before the next call is
 * admitted. A restore that only confirms it (the same items in the same order, with the same VHIDs, VIPs and
 * basis; only the time of the restore is new, as in nearly every sync) is written once its call has let the next
 * one go ({@link #saveConfirmed}): a crash in between leaves the file with the time of the restore before, which is
 * still true, and the next call does not wait for the disk. A restore that would change what is known is on the disk
 * before it goes to the backup, its items in doubt ({@link #sending}): a crash before its answer leaves a file that
 * says so, not one that still holds what the backup may no longer hold.
 */
public final class PairMemory {
    private static final Logger LOG = LoggerFactory.getLogger(PairMemory.class);

    private final String pair;
    private final AtomicReference<ItemBook> book;
    private final Optional<MemoryFile> file;
    /** No file, but each change encoded as one would hold it, then dropped (the warm-up's private carpgate). */
    private final boolean rehearsed;
    private final CallOrder order = new CallOrder();
    private final Clock clock;
    /** One write at a time, each of the book as it is when the write begins (so the last write is the newest). */
    private final Object saving = new Object();
    /** A confirmation is in the book but not yet on the disk. */
    private volatile boolean confirmedUnsaved;
    /** The calls on their way that may change what the backup stores, and what the file says of them meanwhile. */
    private final OnTheWay onTheWay = new OnTheWay();
    private final AtomicReference<Tick> vipsReplacedAt = new AtomicReference<>(Tick.NEVER);
    private volatile boolean writeFailed;
    /** Another name or backup took this pair's place: what it still learns (calls in flight) is not written. */
    private volatile boolean retired;
    /** Why what this pair's file held could not be used at the start, until the VHID map is set in doubt by it. */
    private Optional<String> lostAtStart = Optional.empty();

    PairMemory(String pair, ItemBook loaded, Optional<MemoryFile> file, Clock clock) {
        this(pair, loaded, file, false, clock);
    }

    private PairMemory(String pair, ItemBook loaded, Optional<MemoryFile> file, boolean rehearsed, Clock clock) {
        this.pair = pair;
        this.book = new AtomicReference<>(loaded);
        this.file = file;
        this.rehearsed = rehearsed;
        this.clock = clock;
    }

    /** A memory that lives only in this process (no state folder, or one carpgate will not use; tests). */
    public static PairMemory inProcess(String pair, Clock clock) {
        return new PairMemory(pair, ItemBook.empty(), Optional.empty(), false, clock);
    }

    /**
     * A memory that lives only in this process but encodes each change as its file would (and drops the bytes):
     * the warm-up's private carpgate, so that the first restore a real pair stores does not meet that code cold
     * (some 60 ms of a cold JVM, while the master's next call waits for its turn).
     */
    static PairMemory rehearsal(String pair, Clock clock) {
        return new PairMemory(pair, ItemBook.empty(), Optional.empty(), true, clock);
    }

    public ItemBook book() {
        return book.get();
    }

    /** What the pair's file held was lost at the start ({@code why}): see {@link #distrustMapIfLost}. */
    synchronized void lost(String why) {
        lostAtStart = Optional.of(why);
    }

    /**
     * Once, after carpgate started without what it knew of the pair (a file it could not read or would not use): an
     * item the VHID map names by uuid that the memory does not know is put in doubt, in the book and its file. The
     * map says where carpgate points the item in the next restore; the backup follows what the last one stored, which
     * an earlier map may have decided, and what that was is what was lost. Its starts are suppressed (on-unknown-carp)
     * until a restore carrying it is seen stored. Without a loss the map's word stands for an item carpgate has not
     * seen stored: then carpgate never rewrote it.
     */
    public synchronized void distrustMapIfLost(VhidMap map) {
        if (lostAtStart.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        String why = "carpgate started without what it knew of this pair (" + lostAtStart.get() + "), and the VHID "
                + "map may have changed since the backup stored the restore it follows; known again once a restore "
                + "carrying it is seen stored";
        ItemBook before = book.get();
        List<CarpItem> doubted = map.all().stream()
                .filter(e -> e.kind().startsGated() && e.byUuid() && before.find(e.kind(), e.key()).isEmpty())
                .map(e -> new CarpItem(e.kind(), e.key(), "", true, Optional.empty(), Optional.empty()).inDoubt(now, why))
                .toList();
        lostAtStart = Optional.empty();
        if (!doubted.isEmpty()) {
            settle(Optional.empty(), Optional.of(before.with(doubted)), false);
            LOG.warn("pair {}: {} item(s) of the VHID map put in doubt: {}", pair, doubted.size(), why);
        }
    }

    public CallOrder order() {
        return order;
    }

    /**
     * A restore that would teach {@code taught} is about to go to the backup, in {@code call}'s place in the order.
     * When that would change what is known, the file says its items are in doubt before it goes (the book is
     * unchanged: until the backup answers, what it held before is what starts are decided on), so a crash before the
     * answer cannot leave a file that a restart takes as what the backup holds. A restore that only confirms what is
     * known writes nothing: stored or not, the backup holds the same VHIDs.
     */
    public synchronized void sending(CallOrder.Ticket call, List<CarpItem> taught) {
        Instant now = clock.instant();
        ItemBook before = book.get();
        boolean confirms = before.with(taught.stream().map(i -> i.learnedAt(now)).toList()).sameButForTimes(before);
        String basis = "a restore sent at " + now + " had not been answered when carpgate last saved this file";
        List<CarpItem> meanwhile = confirms ? List.of() : taught.stream().map(i -> i.inDoubt(now, basis)).toList();
        onTheWay.restore(call, meanwhile);
        if (!meanwhile.isEmpty()) {
            save();
        }
    }

    /**
     * A call that may hold any restore, not read by the gate, is about to go to the backup in {@code call}'s place:
     * until its outcome is known, the file says every item is in doubt (the book is unchanged until then), and a
     * restore on its way at the same time learns nothing from its own answer (which the backup applied last is
     * unknown).
     */
    public synchronized void sendingUnread(CallOrder.Ticket call, String why) {
        Instant now = clock.instant();
        String basis = "at " + now + " " + why + "; not answered when carpgate last saved this file";
        List<CarpItem> meanwhile = book.get().all().stream().map(i -> i.inDoubt(now, basis)).toList();
        onTheWay.unread(call, meanwhile);
        if (!meanwhile.isEmpty()) {
            save();
        }
    }

    /** The backup last stored a restore that may have replaced its VIPs (uuids and all); a reload keeps it. */
    public void vipsReplaced(Tick at) {
        vipsReplacedAt.accumulateAndGet(at, (before, now) -> before.isBefore(now) ? now : before);
    }

    /**
     * When the backup last stored a restore that may have replaced its VIPs: the next restore is decided on a reading
     * of its VIPs sent after that, on the process's monotonic clock. {@link Tick#NEVER} when none since carpgate started.
     */
    public Tick vipsReplacedAt() {
        return vipsReplacedAt.get();
    }

    /** The call of {@link #sending} or {@link #sendingUnread} was not stored (refused, or it never arrived). */
    public synchronized void notStored(CallOrder.Ticket call) {
        settle(Optional.of(call), Optional.empty(), false);
    }

    /** The backup answered a restore with success: what the gate read of it is now what the backup holds. */
    public synchronized void stored(List<CarpItem> taught) {
        learnStored(Optional.empty(), taught);
    }

    /** The backup answered {@code call}'s restore with success (a start's answer teaches nothing). */
    public synchronized void stored(CallOrder.Ticket call, List<CarpItem> taught) {
        stored(call, taught, Set.of());
    }

    /**
     * The same, for a restore that replaced the backup's whole list of items of each kind in {@code replaced}: an
     * item of those kinds that it does not list is gone from the backup, so it is forgotten.
     */
    public synchronized void stored(CallOrder.Ticket call, List<CarpItem> taught, Set<ItemKind> replaced) {
        learnStored(Optional.of(call), taught, replaced);
    }

    private void learnStored(Optional<CallOrder.Ticket> call, List<CarpItem> taught) {
        learnStored(call, taught, Set.of());
    }

    private void learnStored(Optional<CallOrder.Ticket> call, List<CarpItem> taught, Set<ItemKind> replaced) {
        Optional<OnTheWay.Call> entry = call.flatMap(onTheWay::peek);
        if (entry.map(OnTheWay.Call::overlapped).orElse(false) && (!taught.isEmpty() || !replaced.isEmpty())) {
            // A call carpgate did not read went to the backup meanwhile: which one it applied last is unknown, so what
            // this one taught and what it would have removed (the items of the kinds it replaced) are in doubt.
            List<CarpItem> doubted = new java.util.ArrayList<>(taught);
            book.get().all().stream().filter(i -> replaced.contains(i.kind())).forEach(doubted::add);
            learnInDoubt(call, doubted, "a call carpgate did not read went to the backup while it was on its way");
            return;
        }
        if (taught.isEmpty() && replaced.isEmpty()) {
            settle(call, Optional.empty(), false);
            return;
        }
        Instant now = clock.instant();
        ItemBook before = book.get();
        ItemBook next = before.replacing(replaced, taught.stream().map(i -> i.learnedAt(now)).toList());
        boolean saidInDoubt = entry.map(c -> !c.inDoubt().isEmpty()).orElse(false);
        settle(call, Optional.of(next), next.sameButForTimes(before) && !saidInDoubt);
    }

    /**
     * Writes a confirmation {@link #stored} kept in the book only: called once the call that brought it has let
     * the next one go. Nothing to do when a later write has already saved it.
     */
    void saveConfirmed() {
        if (confirmedUnsaved) {
            save();
        }
    }

    /**
     * A restore may or may not have been stored (its answer never came, or could not be read): the VHIDs of its
     * items on the backup are unknown until a restore seen stored says again; their starts follow on-unknown-carp.
     */
    public synchronized void inDoubt(List<CarpItem> taught, String why) {
        learnInDoubt(Optional.empty(), taught, why);
    }

    /** {@code call}'s restore may or may not have been stored. */
    public synchronized void inDoubt(CallOrder.Ticket call, List<CarpItem> taught, String why) {
        learnInDoubt(Optional.of(call), taught, why);
    }

    private void learnInDoubt(Optional<CallOrder.Ticket> call, List<CarpItem> taught, String why) {
        if (taught.isEmpty()) {
            settle(call, Optional.empty(), false);
            return;
        }
        Instant now = clock.instant();
        String basis = "a restore at " + now + " may or may not have been stored by the backup (" + why + ")";
        settle(call, Optional.of(book.get().with(taught.stream().map(i -> i.inDoubt(now, basis)).toList())), false);
    }

    /**
     * {@code call}, which may have held a restore, went to the backup without the gate's reading of it (observe mode
     * sends on what enforce mode would have rejected, or a body carpgate could not read). Unless it is known not to
     * have been stored, which VHID any item follows there is unknown until a restore is seen stored.
     */
    public synchronized void unreadSettled(CallOrder.Ticket call, boolean maybeStored, String why) {
        if (!maybeStored) {
            settle(Optional.of(call), Optional.empty(), false);
            return;
        }
        Instant now = clock.instant();
        String basis = "at " + now + " " + why;
        settle(Optional.of(call), Optional.of(book.get().with(book.get().all().stream()
                .map(i -> i.inDoubt(now, basis)).toList())), false);
    }

    /**
     * What an answer leaves: the book first, then its call off the way, then one write (or, for a confirmation, the
     * write after the call's turn). In that order a write in between by another thread (a confirmation's, which holds
     * only the write's lock) sees the new book with the call's marks still on: more doubt for a moment, never less.
     */
    private void settle(Optional<CallOrder.Ticket> call, Optional<ItemBook> next, boolean confirmationOnly) {
        next.ifPresent(book::set);
        boolean saidInDoubt = call.flatMap(onTheWay::leave).map(c -> !c.inDoubt().isEmpty()).orElse(false);
        if (confirmationOnly) {
            confirmedUnsaved = true;
        } else if (next.isPresent() || saidInDoubt) {
            save();
        }
    }

    /**
     * The configuration moved on to another backup or name for this pair: a call of the old runtime still finishing
     * may change the book, but nothing of it reaches the state folder, where a later start could load it.
     */
    void retire() {
        // Under the write's lock: a write under way finishes first, so none lands after the caller sets the file aside.
        synchronized (saving) {
            retired = true;
        }
    }

    /**
     * Writes the book as it is now, with the items of the calls on their way in doubt; whoever calls it holds no other
     * lock of this memory's but perhaps its monitor.
     */
    private void save() {
        synchronized (saving) {
            confirmedUnsaved = false;
            saveNow(book.get().with(onTheWay.inDoubt()));
        }
    }

    private void saveNow(ItemBook next) {
        if (rehearsed) {
            try {
                MemoryFile.encode(pair, "rehearsal", next);
            } catch (IOException | RuntimeException e) {
                // bytes that are dropped: nothing is lost
            }
            return;
        }
        if (file.isEmpty() || retired) {
            return;
        }
        try {
            file.get().write(next);
            if (writeFailed) {
                writeFailed = false;
                LOG.info("pair {}: what carpgate knows of its items is saved again in {}", pair, file.get().path());
            }
        } catch (IOException | RuntimeException e) {
            // Enforcement goes on from memory. The file on disk is now stale: a restart must not load it.
            boolean forgotten = file.get().forget();
            if (!forgotten) {
                LOG.error("pair {}: cannot save what carpgate knows of its items in {} ({}), nor remove the older "
                        + "file: a restart now would start from what the backup stored before; fix the folder's "
                        + "permissions before restarting carpgate", pair, file.get().path(), e.toString());
            } else if (!writeFailed) {
                LOG.warn("pair {}: cannot save what carpgate knows of its items in {} ({}); it is kept in memory, "
                        + "and a restart before it can be saved starts without it (unknown items are then "
                        + "suppressed)", pair, file.get().path(), e.toString());
            }
            writeFailed = true;
        }
    }
}
