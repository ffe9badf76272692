package io.carpgate.carp;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the last CARP reading of one backup and makes sure at most one read is on its way at a time.
 *
 * <p>Callers on the sync path that find the last reading older than {@code ttl} share one read: the first
 * starts it, the others wait for the same answer. No lock is held while the read is on the network: the
 * read itself is asynchronous (Jetty's client) and only the callers that need its answer wait for it. A
 * failed read is remembered for {@code ttl} as well, so a dead API costs one read per period, not one per
 * call; a recovering API is used after at most {@code ttl}.
 *
 * <p>A reading's age starts when its request was sent, not when the answer came: the backup sampled its state
 * somewhere in between, so a slow API must not stretch the cache period. A caller joins a read on its way only
 * if it was sent less than {@code ttl} ago; otherwise it starts its own. A reading already older than {@code ttl}
 * when it arrives serves the calls that were waiting for it (it was sampled after each of them was decided to
 * need it) and no later one.
 */
public final class CarpCache implements CarpSource {
    private final Supplier<CompletableFuture<CarpView>> read;
    private final Duration ttl;
    private final Duration maxWait;
    /** When a reading was sent, as the status page shows it. */
    private final Clock clock;
    /** When a reading was sent, for its age and its order: a step of the wall clock moves neither. */
    private final Monotonic ticks;
    private final Consumer<CarpReading> onRead;
    private final AtomicReference<Kept> last = new AtomicReference<>();
    private final AtomicReference<Read> inFlight = new AtomicReference<>();

    /** A read on its way, and when its request was sent (the wall clock's time, and the process's tick). */
    private record Read(CompletableFuture<CarpReading> answer, java.time.Instant sentAt, Tick sent) {}

    /** The last reading, and the tick its request was sent at. */
    private record Kept(CarpReading reading, Tick sent) {}

    /**
     * @param read starts one read of the backup's API; its future never completes exceptionally, and completes
     *     within {@code maxWait}
     * @param onRead told of every completed read, once (counting API errors, logging a change of health)
     */
    public CarpCache(Supplier<CompletableFuture<CarpView>> read, Duration ttl, Duration maxWait, Clock clock,
                     Consumer<CarpReading> onRead) {
        this(read, ttl, maxWait, clock, onRead, Optional.empty());
    }

    /** As below, its ticks following {@code clock} (tests that move time by hand). */
    public CarpCache(Supplier<CompletableFuture<CarpView>> read, Duration ttl, Duration maxWait, Clock clock,
                     Consumer<CarpReading> onRead, Optional<CarpReading> seed) {
        this(read, ttl, maxWait, clock, Monotonic.following(clock), onRead, seed);
    }

    /**
     * @param ticks the process's monotonic clock ({@link Monotonic#system()}), the same for every runtime of the pair
     * @param seed an earlier reading of the same backup (kept across a reload), shown until a new one lands; its age
     *     is not known on this cache's clock, so no decision uses it (the first one after a reload reads)
     */
    public CarpCache(Supplier<CompletableFuture<CarpView>> read, Duration ttl, Duration maxWait, Clock clock,
                     Monotonic ticks, Consumer<CarpReading> onRead, Optional<CarpReading> seed) {
        this.read = read;
        this.ttl = ttl;
        this.maxWait = maxWait;
        this.clock = clock;
        this.ticks = ticks;
        this.onRead = onRead;
        seed.ifPresent(reading -> last.set(new Kept(reading, Tick.NEVER)));
    }

    /** Now on this cache's monotonic clock: what {@link #reread} and {@link #currentSince} compare with. */
    public Tick mark() {
        return ticks.now();
    }

    @Override
    public CarpView current() {
        Kept fresh = last.get();
        if (isFresh(fresh)) {
            if (fresh.reading().answered() && pastHalfTtl(fresh)) {
                readAhead();
            }
            return fresh.reading().view();
        }
        Read before = inFlight.get();
        return await(shared(), before);
    }

    /**
     * As {@link #current()}, but never a reading sent before {@code since} (the backup stored a restore then that may
     * have replaced its VIPs): the read on its way since then is awaited, or one is started, within the same bound.
     */
    @Override
    public CarpView currentSince(Tick since) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Kept seen = last.get();
            if (seen != null && !seen.sent().isBefore(since)) {
                return current();
            }
            Read running = inFlight.get();
            if (running != null && !running.sent().isBefore(since)) {
                return await(running.answer(), running);
            }
            // None since then: one of its own, in the read slot (a read sent before it may still answer; the newest
            // reading is the one kept).
            Read mine = newRead();
            if (inFlight.compareAndSet(running, mine)) {
                start(mine);
                return await(mine.answer(), running);
            }
            // Another caller changed the slot meanwhile: look again.
        }
        return new CarpView.Unavailable("no read of the backup's VIPs since its last restore could be started");
    }

    /** @param before the read on its way when the caller looked (whether it joined one or started its own) */
    private CarpView await(CompletableFuture<CarpReading> shared, Read before) {
        CarpWaitEvent waited = new CarpWaitEvent();
        waited.begin();
        try {
            return shared.get(maxWait.toMillis(), TimeUnit.MILLISECONDS).view();
        } catch (TimeoutException e) {
            return new CarpView.Unavailable("the backup API read did not complete within " + maxWait.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CarpView.Unavailable("interrupted while waiting for the backup API");
        } catch (ExecutionException e) {
            return new CarpView.Unavailable("the backup API read failed: " + e.getCause().getClass().getSimpleName());
        } finally {
            if (waited.shouldCommit()) {
                waited.joined = before != null && before.answer() == shared;
                waited.commit();
            }
        }
    }

    @Override
    public Optional<CarpReading> lastSeen() {
        return Optional.ofNullable(last.get()).map(Kept::reading);
    }

    private Read newRead() {
        return new Read(new CompletableFuture<>(), clock.instant(), ticks.now());
    }

    /**
     * Starts a read now unless one was sent since {@code since}, fresh or not: what the backup holds has just changed
     * (a restore that syncs VIPs replaces their uuids), so the status page must not show the old uuids for the rest
     * of the refresh period. Never waits for it (a restore that must see it asks {@link #currentSince}).
     */
    public void reread(Tick since) {
        Read running = inFlight.get();
        Kept seen = last.get();
        if ((running != null && !running.sent().isBefore(since)) || (seen != null && !seen.sent().isBefore(since))) {
            return;
        }
        Read mine = newRead();
        if (inFlight.compareAndSet(running, mine)) {
            start(mine);
        }
    }

    /**
     * The last reading when it is fresh, else the read on its way or a new one, as a future: for a caller that must
     * not wait on a thread (carpgate's watch of the backup). Completes within the read's bound, never exceptionally.
     */
    public CompletableFuture<CarpReading> fresh() {
        Kept seen = last.get();
        return isFresh(seen) ? CompletableFuture.completedFuture(seen.reading()) : shared();
    }

    /** Starts a read unless one is on its way or the last one is fresh; never waits for it. */
    public void refresh() {
        if (!isFresh(last.get())) {
            shared();
        }
    }

    private boolean pastHalfTtl(Kept kept) {
        return ticks.now().since(kept.sent()).compareTo(ttl.dividedBy(2)) >= 0;
    }

    /**
     * A decision used a reading past half its period: the next read starts now, in the background, so that the calls
     * of a burst that follow find a fresh one instead of each waiting out the backup's API (tens to hundreds of ms on
     * OPNsense). Only for a decision (an authenticated call that needs the state), only for an answered reading (a
     * failure stays remembered for the whole period), never while a read is on its way: at most one read per half period.
     */
    private void readAhead() {
        Read running = inFlight.get();
        if (running != null && ticks.now().since(running.sent()).compareTo(ttl) < 0) {
            return;
        }
        Read mine = newRead();
        if (inFlight.compareAndSet(running, mine)) {
            start(mine);
        }
    }

    private boolean isFresh(Kept kept) {
        if (kept == null) {
            return false;
        }
        Duration age = ticks.now().since(kept.sent());
        return !age.isNegative() && age.compareTo(ttl) < 0;
    }

    /** The read on its way, if it was sent less than the cache period ago, or a new one. */
    private CompletableFuture<CarpReading> shared() {
        while (true) {
            Read running = inFlight.get();
            if (running != null && ticks.now().since(running.sent()).compareTo(ttl) < 0) {
                return running.answer();
            }
            Read mine = newRead();
            if (!inFlight.compareAndSet(running, mine)) {
                continue; // another caller started one a moment ago: share it
            }
            Kept meanwhile = last.get();
            if (isFresh(meanwhile)) {
                // A read completed between this caller's look and its start: nothing to do.
                inFlight.compareAndSet(mine, null);
                mine.answer().complete(meanwhile.reading());
                return mine.answer();
            }
            start(mine);
            return mine.answer();
        }
    }

    private void start(Read mine) {
        CompletableFuture<CarpView> started;
        try {
            started = read.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.completedFuture(
                    new CarpView.Unavailable("the backup API read could not start: " + e.getClass().getSimpleName()));
        }
        // Whatever the reader promises, a read that never ends must not hold the slot (and every caller) forever.
        started.completeOnTimeout(new CarpView.Unavailable("the backup API read did not complete within "
                + maxWait.toMillis() + " ms"), maxWait.toMillis(), TimeUnit.MILLISECONDS).whenComplete((view, failure) -> {
            CarpView seen = view != null ? view
                    : new CarpView.Unavailable("the backup API read failed: " + failure.getClass().getSimpleName());
            CarpReading reading = new CarpReading(seen, mine.sentAt());
            // Published before the read is marked done, so a caller that finds no read on its way finds this one;
            // an older read that answers after a newer one does not replace it (older as sent, on the process's
            // clock: after the wall clock was stepped back, the newer reading has the earlier wall time).
            last.accumulateAndGet(new Kept(reading, mine.sent()), (before, now) -> before == null
                    || !now.sent().isBefore(before.sent()) ? now : before);
            inFlight.compareAndSet(mine, null);
            try {
                onRead.accept(reading);
            } finally {
                mine.answer().complete(reading);
            }
        });
    }
}
