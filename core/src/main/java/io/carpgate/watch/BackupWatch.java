package io.carpgate.watch;

import io.carpgate.carp.CarpReading;
import io.carpgate.carp.CarpView;
import io.carpgate.policy.CarpItem;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * carpgate's read-only watch of one pair's backup: every {@code watch.interval}, and a few seconds after a restore
 * the backup stored, it reads the backup's CARP state, interfaces, DHCP relays' listeners and routing table, and
 * names the conflicts ({@link ConflictDetector}) in the pair's {@link WatchBook}. Only carpgate's own schedule
 * drives it (the status page, /metrics and check read the book, never the backup); one read at a time; a failed
 * read is remembered and counted; nothing runs on the sync path (a stored restore only schedules a read).
 */
public final class BackupWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWatch.class);
    /** After a restore, OPNsense's master sends the starts within moments: read once they have had their effect. */
    public static final Duration AFTER_SYNC = Duration.ofSeconds(5);

    private final String pair;
    private final WatchBook book;
    private final Supplier<Collection<CarpItem>> items;
    private final Supplier<CompletableFuture<CarpReading>> carp;
    private final Supplier<CompletableFuture<WatchReader.Answer>> reader;
    private final Scheduler scheduler;
    private final Duration interval;
    private final Duration afterSync;
    private final Clock clock;
    private final Runnable onError;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    /** A read was asked for while one was on its way: run one more when it lands (it may have sampled too early). */
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicBoolean syncReadPending = new AtomicBoolean();
    private final AtomicReference<Scheduler.Task> periodic = new AtomicReference<>();
    private final AtomicReference<Boolean> answering = new AtomicReference<>();
    private final AtomicBoolean routesWereUnread = new AtomicBoolean();
    private final AtomicBoolean relaysWereUnread = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param items what carpgate knows of the pair's items now
     * @param carp a CARP reading at most one cache period old (shared with the sync path's reads)
     * @param reader starts one read of the backup's network ({@link WatchReader#read}); never completes exceptionally
     * @param interval {@link Duration#ZERO}: off (no reads at all)
     * @param onError told of each failed read of the backup's network (the metric)
     */
    public BackupWatch(String pair, WatchBook book, Supplier<Collection<CarpItem>> items,
                       Supplier<CompletableFuture<CarpReading>> carp,
                       Supplier<CompletableFuture<WatchReader.Answer>> reader, Scheduler scheduler,
                       Duration interval, Duration afterSync, Clock clock, Runnable onError) {
        this.pair = pair;
        this.book = book;
        this.items = items;
        this.carp = carp;
        this.reader = reader;
        this.scheduler = scheduler;
        this.interval = interval;
        this.afterSync = afterSync;
        this.clock = clock;
        this.onError = onError;
        book.lastRead().ifPresent(r -> answering.set(r.problem().isEmpty()));
    }

    public boolean enabled() {
        return !interval.isZero();
    }

    /** Reads now, then every interval. */
    public void start() {
        if (!enabled()) {
            return;
        }
        read();
        schedulePeriodic();
    }

    /** A restore the backup stored went through carpgate: read a few seconds later (once per burst). */
    public void afterSync() {
        readSoon();
    }

    /** One read a few seconds from now, unless one is scheduled already. */
    private void readSoon() {
        if (!enabled() || closed || !syncReadPending.compareAndSet(false, true)) {
            return;
        }
        scheduler.schedule(() -> {
            syncReadPending.set(false);
            read();
        }, afterSync.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void schedulePeriodic() {
        if (closed) {
            return;
        }
        periodic.set(scheduler.schedule(() -> {
            read();
            schedulePeriodic();
        }, interval.toMillis(), TimeUnit.MILLISECONDS));
        if (closed) {
            periodic.get().cancel(); // scheduled while close() ran
        }
    }

    private void read() {
        if (closed) {
            return;
        }
        if (!inFlight.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        CompletableFuture<CarpReading> carpRead;
        CompletableFuture<WatchReader.Answer> networkRead;
        try {
            carpRead = carp.get();
            networkRead = reader.get();
        } catch (RuntimeException e) {
            inFlight.set(false);
            failed("the read could not start: " + e.getClass().getSimpleName(), true);
            return;
        }
        carpRead.thenCombine(networkRead, this::land).whenComplete((done, failure) -> {
            if (failure != null) {
                failed("the read failed: " + failure.getClass().getSimpleName(), true);
            }
            inFlight.set(false);
            if (again.getAndSet(false)) {
                read();
            }
        });
    }

    private Void land(CarpReading reading, WatchReader.Answer answer) {
        if (closed) {
            return null;
        }
        if (answer instanceof WatchReader.Answer.Failed f) {
            failed(f.reason(), true);
            return null;
        }
        if (!(reading.view() instanceof CarpView.Known known)) {
            // Counted by carpgate_carp_api_errors already; the conflicts stand as last seen.
            failed("the backup's CARP state cannot be read (" + ((CarpView.Unavailable) reading.view()).reason() + ")",
                    false);
            return null;
        }
        WatchReader.Answer.Read read = (WatchReader.Answer.Read) answer;
        BackupNetwork network = read.network();
        Optional<String> routesUnread = read.routesUnread();
        boolean relaysUnread = network.relayDevices().isEmpty();
        if (relaysUnread != relaysWereUnread.getAndSet(relaysUnread)) {
            if (relaysUnread) {
                LOG.warn("pair {}: the watch cannot see the backup's DHCP relays (get_bpf_statistics refused, HTTP 403: "
                        + "before 26.1.9 no read-only privilege covers it); tunnels are still watched, relays are not "
                        + "judged", pair);
            } else {
                LOG.info("pair {}: the watch sees the backup's DHCP relays again", pair);
            }
        }
        if (routesUnread.isPresent() != routesWereUnread.getAndSet(routesUnread.isPresent())) {
            if (routesUnread.isPresent()) {
                LOG.warn("pair {}: the watch cannot read the backup's routing table ({}); it still sees what is up, "
                        + "and names conflicts without the networks routed into them", pair, routesUnread.get());
            } else {
                LOG.info("pair {}: the watch reads the backup's routing table again", pair);
            }
        }
        WatchBook.Change change = book.found(ConflictDetector.judge(items.get(), known, network,
                routesUnread.isEmpty()), clock.instant());
        healthy();
        if (change.unconfirmed()) {
            readSoon(); // the read that confirms it (or not), a few seconds on, as after a sync
        }
        for (WatchBook.Standing s : change.appeared()) {
            LOG.warn("pair {}: conflict on the backup: {}", pair, s.conflict().text());
        }
        for (WatchBook.Standing s : change.cleared()) {
            LOG.warn("pair {}: conflict on the backup cleared (it stood since {}): {}", pair, s.since(),
                    s.conflict().text());
        }
        return null;
    }

    private void failed(String reason, boolean count) {
        book.failed(reason, clock.instant());
        if (count) {
            onError.run();
        }
        Boolean before = answering.getAndSet(false);
        if (before == null || before) {
            LOG.warn("pair {}: the watch cannot read the backup ({}); the conflicts shown are those of its last "
                    + "read", pair, reason);
        }
    }

    private void healthy() {
        Boolean before = answering.getAndSet(true);
        if (before != null && !before) {
            LOG.info("pair {}: the watch reads the backup again", pair);
        }
    }

    @Override
    public void close() {
        closed = true;
        Scheduler.Task task = periodic.getAndSet(null);
        if (task != null) {
            task.cancel();
        }
    }
}
