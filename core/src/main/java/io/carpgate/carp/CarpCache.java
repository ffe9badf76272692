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
    private final Clock clock;
    private final Consumer<CarpReading> onRead;
    private final AtomicReference<CarpReading> last = new AtomicReference<>();
    private final AtomicReference<Read> inFlight = new AtomicReference<>();

    /** A read on its way, and when its request was sent. */
    private record Read(CompletableFuture<CarpReading> answer, java.time.Instant sent) {}

    /**
     * @param read starts one read of the backup's API; its future never completes exceptionally, and completes
     *     within {@code maxWait}
     * @param onRead told of every completed read, once (counting API errors, logging a change of health)
     */
    public CarpCache(Supplier<CompletableFuture<CarpView>> read, Duration ttl, Duration maxWait, Clock clock,
                     Consumer<CarpReading> onRead) {
        this(read, ttl, maxWait, clock, onRead, Optional.empty());
    }

    /** @param seed an earlier reading of the same backup (kept across a reload), shown until a new one lands */
    public CarpCache(Supplier<CompletableFuture<CarpView>> read, Duration ttl, Duration maxWait, Clock clock,
                     Consumer<CarpReading> onRead, Optional<CarpReading> seed) {
        this.read = read;
        this.ttl = ttl;
        this.maxWait = maxWait;
        this.clock = clock;
        this.onRead = onRead;
        seed.ifPresent(last::set);
    }

    @Override
    public CarpView current() {
        CarpReading fresh = last.get();
        if (isFresh(fresh)) {
            if (fresh.answered() && pastHalfTtl(fresh)) {
                readAhead();
            }
            return fresh.view();
        }
        Read before = inFlight.get();
        return await(shared(), before);
    }

    /**
     * As {@link #current()}, but never a reading sent before {@code since} (the backup stored a restore then that may
     * have replaced its VIPs): the read on its way since then is awaited, or one is started, within the same bound.
     */
    @Override
    public CarpView currentSince(java.time.Instant since) {
        for (int attempt = 0; attempt < 3; attempt++) {
            CarpReading seen = last.get();
            if (seen != null && !seen.at().isBefore(since)) {
                return current();
            }
            Read running = inFlight.get();
            if (running != null && !running.sent().isBefore(since)) {
                return await(running.answer(), running);
            }
            // None since then: one of its own, in the read slot (a read sent before it may still answer; the newest
            // reading is the one kept).
            Read mine = new Read(new CompletableFuture<>(), clock.instant());
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
        return Optional.ofNullable(last.get());
    }

    /**
     * Starts a read now unless one was sent since {@code since}, fresh or not: what the backup holds has just changed
     * (a restore that syncs VIPs replaces their uuids), so the status page must not show the old uuids for the rest
     * of the refresh period. Never waits for it (a restore that must see it asks {@link #currentSince}).
     */
    public void reread(java.time.Instant since) {
        Read running = inFlight.get();
        CarpReading seen = last.get();
        if ((running != null && !running.sent().isBefore(since)) || (seen != null && !seen.at().isBefore(since))) {
            return;
        }
        Read mine = new Read(new CompletableFuture<>(), clock.instant());
        if (inFlight.compareAndSet(running, mine)) {
            start(mine);
        }
    }

    /**
     * The last reading when it is fresh, else the read on its way or a new one, as a future: for a caller that must
     * not wait on a thread (carpgate's watch of the backup). Completes within the read's bound, never exceptionally.
     */
    public CompletableFuture<CarpReading> fresh() {
        CarpReading seen = last.get();
        return isFresh(seen) ? CompletableFuture.completedFuture(seen) : shared();
    }

    /** Starts a read unless one is on its way or the last one is fresh; never waits for it. */
    public void refresh() {
        if (!isFresh(last.get())) {
            shared();
        }
    }

    private boolean pastHalfTtl(CarpReading reading) {
        return Duration.between(reading.at(), clock.instant()).compareTo(ttl.dividedBy(2)) >= 0;
    }

    /**
     * A decision used a reading past half its period: the next read starts now, in the background, so that the calls
     * of a burst that follow find a fresh one instead of each waiting out the backup's API (tens to hundreds of ms on
     * OPNsense). Only for a decision (an authenticated call that needs the state), only for an answered reading (a
     * failure stays remembered for the whole period), never while a read is on its way: at most one read per half period.
     */
    private void readAhead() {
        Read running = inFlight.get();
        java.time.Instant now = clock.instant();
        if (running != null && Duration.between(running.sent(), now).compareTo(ttl) < 0) {
            return;
        }
        Read mine = new Read(new CompletableFuture<>(), now);
        if (inFlight.compareAndSet(running, mine)) {
            start(mine);
        }
    }

    private boolean isFresh(CarpReading reading) {
        if (reading == null) {
            return false;
        }
        Duration age = Duration.between(reading.at(), clock.instant());
        return !age.isNegative() && age.compareTo(ttl) < 0;
    }

    /** The read on its way, if it was sent less than the cache period ago, or a new one. */
    private CompletableFuture<CarpReading> shared() {
        while (true) {
            Read running = inFlight.get();
            java.time.Instant now = clock.instant();
            if (running != null && Duration.between(running.sent(), now).compareTo(ttl) < 0) {
                return running.answer();
            }
            Read mine = new Read(new CompletableFuture<>(), now);
            if (!inFlight.compareAndSet(running, mine)) {
                continue; // another caller started one a moment ago: share it
            }
            CarpReading meanwhile = last.get();
            if (isFresh(meanwhile)) {
                // A read completed between this caller's look and its start: nothing to do.
                inFlight.compareAndSet(mine, null);
                mine.answer().complete(meanwhile);
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
            CarpReading reading = new CarpReading(seen, mine.sent());
            // Published before the read is marked done, so a caller that finds no read on its way finds this one;
            // an older read that answers after a newer one does not replace it.
            last.accumulateAndGet(reading, (before, now) -> before == null || !now.at().isBefore(before.at())
                    ? now : before);
            inFlight.compareAndSet(mine, null);
            try {
                onRead.accept(reading);
            } finally {
                mine.answer().complete(reading);
            }
        });
    }
}
