package io.carpgate.memory;

import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemBook;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What carpgate knows of one pair's items with a CARP dependency, and the order of the calls that read or change
 * it. One per pair and backup for as long as carpgate runs: a reload hands the same memory to the pair's new
 * runtime (never a copy), so a restore still finishing in the old runtime teaches the new one. It learns only what
 * the backup stored: a restore the backup answered with success ({@link #stored}); one whose outcome is not known
 * makes its items unknown ({@link #inDoubt}); one the backup refused, or that never reached it, changes nothing.
 * Every change is written to the state folder (when there is one) before the next call is admitted.
 */
public final class PairMemory {
    private static final Logger LOG = LoggerFactory.getLogger(PairMemory.class);

    private final String pair;
    private final AtomicReference<ItemBook> book;
    private final Optional<MemoryFile> file;
    private final CallOrder order = new CallOrder();
    private final Clock clock;
    private volatile boolean writeFailed;
    /** Another name or backup took this pair's place: what it still learns (calls in flight) is not written. */
    private volatile boolean retired;

    PairMemory(String pair, ItemBook loaded, Optional<MemoryFile> file, Clock clock) {
        this.pair = pair;
        this.book = new AtomicReference<>(loaded);
        this.file = file;
        this.clock = clock;
    }

    /** A memory that lives only in this process (the warm-up's private server, tests). */
    public static PairMemory inProcess(String pair, Clock clock) {
        return new PairMemory(pair, ItemBook.empty(), Optional.empty(), clock);
    }

    public ItemBook book() {
        return book.get();
    }

    public CallOrder order() {
        return order;
    }

    /** The backup answered a restore with success: what the gate read of it is now what the backup holds. */
    public synchronized void stored(List<CarpItem> taught) {
        if (taught.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        change(book.get().with(taught.stream().map(i -> i.learnedAt(now)).toList()));
    }

    /**
     * A restore may or may not have been stored (its answer never came, or could not be read): the VHIDs of its
     * items on the backup are unknown until a restore seen stored says again; their starts follow on-unknown-carp.
     */
    public synchronized void inDoubt(List<CarpItem> taught, String why) {
        if (taught.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        String basis = "a restore at " + now + " may or may not have been stored by the backup (" + why + ")";
        change(book.get().with(taught.stream().map(i -> i.inDoubt(now, basis)).toList()));
    }

    /**
     * The configuration moved on to another backup or name for this pair: a call of the old runtime still finishing
     * may change the book, but nothing of it reaches the state folder, where a later start could load it.
     */
    void retire() {
        retired = true;
    }

    private void change(ItemBook next) {
        book.set(next);
        if (file.isEmpty() || retired) {
            return;
        }
        try {
            file.get().write(next);
            if (writeFailed) {
                writeFailed = false;
                LOG.info("pair {}: what carpgate knows of its items is saved again in {}", pair, file.get().path());
            }
        } catch (IOException e) {
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
