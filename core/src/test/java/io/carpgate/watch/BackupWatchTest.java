package io.carpgate.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpReading;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.thread.Scheduler;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's discipline without a network: one read at a time (a read asked for meanwhile runs once after it),
 * one read per sync burst, failures counted and the conflicts kept; off reads nothing. Time is a hand-driven
 * scheduler; each read is a future the test completes.
 */
class BackupWatchTest {
    /** Runs what was scheduled only when the test says. */
    static final class HandScheduler extends org.eclipse.jetty.util.component.AbstractLifeCycle implements Scheduler {
        final List<Runnable> due = new ArrayList<>();

        @Override
        public Task schedule(Runnable task, long delay, TimeUnit units) {
            due.add(task);
            return () -> due.remove(task);
        }

        void runDue() {
            List<Runnable> now = new ArrayList<>(due);
            due.clear();
            now.forEach(Runnable::run);
        }
    }

    private final HandScheduler scheduler = new HandScheduler();
    private final List<CompletableFuture<WatchReader.Answer>> reads = new ArrayList<>();
    private final AtomicInteger errors = new AtomicInteger();
    private final WatchBook book = new WatchBook();
    private static final CarpItem WG = new CarpItem(ItemKind.WIREGUARD, "u1", "wg-sites", true, Optional.of(7),
            Optional.of("opt2"), Optional.empty(), "", Optional.empty(), Optional.of("wg0"));
    private static final CarpReading BACKUP = new CarpReading(new CarpView.Known(
            List.of(new BackupVip("v7", "opt2", 7, "198.51.100.7", "")),
            List.of(new VipState("WAN2", 7, "198.51.100.7", "BACKUP")), Instant.EPOCH), Instant.EPOCH);

    private BackupWatch watch(Duration interval) {
        // Each read is a future the test completes: no request leaves.
        return new BackupWatch("p", book, () -> List.of(WG), () -> CompletableFuture.completedFuture(BACKUP), () -> {
            CompletableFuture<WatchReader.Answer> f = new CompletableFuture<>();
            reads.add(f);
            return f;
        }, scheduler, interval, Duration.ofSeconds(5), Clock.systemUTC(), errors::incrementAndGet);
    }

    private static WatchReader.Answer wgUp(boolean up) {
        return new WatchReader.Answer.Read(new BackupNetwork(Map.of("wg0", up), Map.of(), List.of(),
                Optional.of(Set.of())));
    }

    @Test
    void oneReadAtATimeAndOneMoreWhenOneWasAskedForMeanwhile() {
        BackupWatch watch = watch(Duration.ofSeconds(60));
        watch.start();
        assertThat(reads).hasSize(1);
        watch.afterSync();
        watch.afterSync(); // the same burst: one read
        scheduler.runDue(); // the periodic read and the after-sync read come due while the first is on its way
        assertThat(reads).as("no second read while one is on its way").hasSize(1);
        reads.get(0).complete(wgUp(true));
        assertThat(reads).as("the reads asked for meanwhile: one more, at once").hasSize(2);
        assertThat(book.standing()).as("seen by one read: not announced yet").isEmpty();
        reads.get(1).complete(wgUp(true));
        assertThat(reads).hasSize(2);
        assertThat(book.standing()).as("confirmed by the next read").hasSize(1);
        watch.close();
    }

    @Test
    void aFailedReadIsCountedAndKeepsWhatStands() {
        BackupWatch watch = watch(Duration.ofSeconds(60));
        watch.start();
        reads.get(0).complete(wgUp(true));
        assertThat(scheduler.due).as("the periodic read and the one that confirms what the first saw").hasSize(2);
        scheduler.runDue(); // both come due: one read, and one more once it lands
        reads.get(1).complete(wgUp(true));
        assertThat(book.standing()).hasSize(1);
        reads.get(2).complete(new WatchReader.Answer.Failed("unreachable"));
        assertThat(errors).hasValue(1);
        assertThat(book.standing()).hasSize(1);
        assertThat(book.lastRead().orElseThrow().problem()).contains("unreachable");
        watch.close();
        scheduler.runDue();
        assertThat(reads).as("closed: nothing more").hasSize(3);
    }

    @Test
    void offReadsNothingAtAll() {
        BackupWatch watch = watch(Duration.ZERO);
        watch.start();
        watch.afterSync();
        scheduler.runDue();
        assertThat(reads).isEmpty();
        assertThat(watch.enabled()).isFalse();
    }
}
