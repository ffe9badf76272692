package io.carpgate.carp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sharing and remembering of reads, with reads the test completes by hand (the real API client against
 * the simulated backup is in BackupApiClientTest). Every wait has a deadline.
 */
class CarpCacheTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final CarpView KNOWN = new CarpView.Known(List.of(), List.of(), Instant.EPOCH);

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final List<CompletableFuture<CarpView>> started = new CopyOnWriteArrayList<>();
    private final List<CarpReading> told = new CopyOnWriteArrayList<>();
    private final ExecutorService callers = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    private CarpCache cache(Duration maxWait) {
        return new CarpCache(() -> {
            CompletableFuture<CarpView> read = new CompletableFuture<>();
            started.add(read);
            return read;
        }, TTL, maxWait, clock, told::add);
    }

    @Test
    void callersThatFindNoFreshReadingShareOneReadAndNoOneHoldsALockMeanwhile() throws Exception {
        CarpCache cache = cache(Duration.ofSeconds(30));
        List<Future<CarpView>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(callers.submit(cache::current));
        }
        Awaitility.await("the first caller starts the read").atMost(Duration.ofSeconds(30))
                .until(() -> started.size() == 1);
        // While the read is on the network, watchers and refreshes return at once and start nothing...
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(cache.lastSeen()).isEmpty();
            cache.refresh();
        });
        assertThat(started).hasSize(1);
        assertThat(answers).noneMatch(Future::isDone);
        // ...and the callers wait for the read's answer, none of them for a lock another one holds.
        Awaitility.await("all callers wait for the read").atMost(Duration.ofSeconds(30)).until(() ->
                waitingCallers().size() == 8);
        assertThat(waitingCallers()).allMatch(state -> state == Thread.State.TIMED_WAITING);
        started.get(0).complete(KNOWN);
        for (Future<CarpView> answer : answers) {
            assertThat(answer.get(10, TimeUnit.SECONDS)).isSameAs(KNOWN);
        }
        assertThat(started).hasSize(1);
        assertThat(told).hasSize(1);
        assertThat(cache.lastSeen()).get().extracting(CarpReading::view).isSameAs(KNOWN);
    }

    /** The states of the caller threads that are inside {@link CarpCache#current()} or its restore's variant. */
    private static List<Thread.State> waitingCallers() {
        List<Thread.State> states = new ArrayList<>();
        for (java.util.Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            if (java.util.Arrays.stream(thread.getValue()).anyMatch(f -> f.getClassName().equals(CarpCache.class.getName())
                    && (f.getMethodName().equals("current") || f.getMethodName().equals("currentSince")))) {
                states.add(thread.getKey().getState());
            }
        }
        return states;
    }

    /** A clock the test moves: a slow API's answer arrives seconds after its request was sent. */
    private static final class MovingClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private CarpCache cache(Clock moving) {
        return new CarpCache(() -> {
            CompletableFuture<CarpView> read = new CompletableFuture<>();
            started.add(read);
            return read;
        }, TTL, Duration.ofSeconds(30), moving, told::add);
    }

    @Test
    void aSlowApiDoesNotStretchTheCachePeriodTheReadingIsAsOldAsItsRequest() {
        MovingClock moving = new MovingClock();
        CarpCache cache = cache(moving);
        cache.refresh();
        Instant sent = moving.instant();
        moving.advance(Duration.ofSeconds(4)); // the API takes 4 s, twice the cache period
        started.get(0).complete(KNOWN);
        assertThat(told).singleElement().satisfies(r -> assertThat(r.at()).isEqualTo(sent));

        // A call now must not reuse what the backup sampled up to 4 s ago: it starts a read of its own.
        CompletableFuture<CarpView> next = CompletableFuture.supplyAsync(cache::current, callers);
        org.awaitility.Awaitility.await("a second read").atMost(Duration.ofSeconds(30)).until(() -> started.size() == 2);
        started.get(1).complete(KNOWN);
        assertThat(next.join()).isSameAs(KNOWN);
    }

    @Test
    void aRestoreIsNotDecidedOnAReadingSentBeforeTheBackupStoredTheLastOne() {
        MovingClock moving = new MovingClock();
        CarpCache cache = cache(moving);
        cache.refresh();
        started.get(0).complete(KNOWN);
        moving.advance(Duration.ofMillis(200));
        // The backup stored a restore, which may have replaced its VIPs (uuids and all): a read starts at once.
        Tick stored = cache.mark();
        cache.reread(stored);
        assertThat(started).hasSize(2);
        // A start's decision may still use the fresh reading (its VHIDs' states are what it reads)...
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThat(cache.current()).isSameAs(KNOWN));
        // ...but the next restore waits for the read sent after the store, and gets its answer.
        CompletableFuture<CarpView> restore = CompletableFuture.supplyAsync(() -> cache.currentSince(stored), callers);
        org.awaitility.Awaitility.await("the restore waits for the read after the store")
                .atMost(Duration.ofSeconds(30)).until(() -> waitingCallers().size() == 1);
        assertThat(restore).isNotDone();
        CarpView after = new CarpView.Known(List.of(), List.of(), Instant.EPOCH.plusSeconds(2));
        started.get(1).complete(after);
        assertThat(restore.join()).isSameAs(after);
        assertThat(started).as("no read beyond the one the store started").hasSize(2);
        // Once it has landed, a restore uses it at once.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThat(cache.currentSince(stored)).isSameAs(after));
    }

    @Test
    void aRestoreAfterAStoreWithNoReadSinceStartsOneOfItsOwn() {
        MovingClock moving = new MovingClock();
        CarpCache cache = cache(moving);
        cache.refresh();
        moving.advance(Duration.ofMillis(100));
        // A read sent before the store is still on its way (another cache's store, or a reload: nobody reread here).
        Tick stored = cache.mark();
        moving.advance(Duration.ofMillis(100));
        CompletableFuture<CarpView> restore = CompletableFuture.supplyAsync(() -> cache.currentSince(stored), callers);
        org.awaitility.Awaitility.await("a read of its own").atMost(Duration.ofSeconds(30))
                .until(() -> started.size() == 2);
        started.get(0).complete(KNOWN); // the read from before answers first: not what the restore waits for
        assertThat(restore).isNotDone();
        CarpView after = new CarpView.Known(List.of(), List.of(), Instant.EPOCH.plusSeconds(3));
        started.get(1).complete(after);
        assertThat(restore.join()).isSameAs(after);
        // A failed read after the store is what a restore gets then, never the reading from before it.
        moving.advance(Duration.ofMillis(100));
        Tick second = cache.mark();
        cache.reread(second);
        started.get(2).complete(new CarpView.Unavailable("backup API answered HTTP 500"));
        assertThat(cache.currentSince(second)).isInstanceOf(CarpView.Unavailable.class);
    }

    @Test
    void aReloadRightAfterAStoredRestoreWithVipsDoesNotForgetIt() {
        MovingClock moving = new MovingClock();
        // What the pair keeps above its runtimes: when the backup last stored a restore with VIPs.
        io.carpgate.memory.PairMemory memory = io.carpgate.memory.PairMemory.inProcess("default", moving);
        CarpCache old = cache(moving);
        old.refresh();
        started.get(0).complete(KNOWN);
        moving.advance(Duration.ofMillis(200));
        memory.vipsReplaced(old.mark()); // the old runtime's restore; the reload comes before its re-read
        moving.advance(Duration.ofMillis(100));

        // The reload: a new cache, seeded with the old one's reading (as PairRuntime.start does), the same memory.
        CarpCache reloaded = new CarpCache(() -> {
            CompletableFuture<CarpView> read = new CompletableFuture<>();
            started.add(read);
            return read;
        }, TTL, Duration.ofSeconds(30), moving, told::add, old.lastSeen());
        CompletableFuture<CarpView> restore = CompletableFuture.supplyAsync(
                () -> reloaded.currentSince(memory.vipsReplacedAt()), callers);
        org.awaitility.Awaitility.await("a read after the store").atMost(Duration.ofSeconds(30))
                .until(() -> started.size() == 2);
        CarpView after = new CarpView.Known(List.of(), List.of(), Instant.EPOCH.plusSeconds(4));
        started.get(1).complete(after);
        assertThat(restore.join()).as("not the reading from before the stored restore").isSameAs(after);
    }

    /**
     * NTP steps the wall clock back an hour (a firewall that booted with its clock ahead): ages and order are the
     * process's, so the reading after the step is the one kept and shown, serves its period, and a restore after a
     * store with VIPs waits for one read, not one per restore until the wall clock catches up.
     */
    @Test
    void aWallClockSteppedBackChangesNoReadingsAgeNorOrder() {
        MovingClock wall = new MovingClock();
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        Monotonic process = () -> new Tick(nanos.get());
        CarpCache cache = new CarpCache(() -> {
            CompletableFuture<CarpView> read = new CompletableFuture<>();
            started.add(read);
            return read;
        }, TTL, Duration.ofSeconds(30), wall, process, told::add, java.util.Optional.empty());
        cache.refresh();
        started.get(0).complete(KNOWN);

        wall.advance(Duration.ofHours(-1));
        nanos.addAndGet(Duration.ofSeconds(3).toNanos()); // past the period, on the process's clock
        CompletableFuture<CarpView> next = CompletableFuture.supplyAsync(cache::current, callers);
        Awaitility.await("the reading past its period is read again").atMost(Duration.ofSeconds(30))
                .until(() -> started.size() == 2);
        CarpView after = new CarpView.Known(List.of(), List.of(), Instant.EPOCH.plusSeconds(5));
        started.get(1).complete(after);
        assertThat(next.join()).isSameAs(after);
        assertThat(cache.lastSeen()).as("the status page shows the reading after the step")
                .get().extracting(CarpReading::view).isSameAs(after);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThat(cache.current()).isSameAs(after));
        assertThat(started).as("a fresh reading serves its period").hasSize(2);

        // The backup stores a restore with VIPs; the store's read lands; the next restores use it, each at once.
        io.carpgate.memory.PairMemory memory = io.carpgate.memory.PairMemory.inProcess("default", wall);
        nanos.addAndGet(Duration.ofMillis(100).toNanos());
        memory.vipsReplaced(cache.mark());
        cache.reread(cache.mark());
        assertThat(started).hasSize(3);
        CarpView stored = new CarpView.Known(List.of(), List.of(), Instant.EPOCH.plusSeconds(6));
        started.get(2).complete(stored);
        wall.advance(Duration.ofMinutes(-30)); // and back again
        nanos.addAndGet(Duration.ofMillis(100).toNanos());
        for (int restore = 0; restore < 3; restore++) {
            assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThat(cache.currentSince(memory.vipsReplacedAt())).isSameAs(stored));
        }
        assertThat(started).as("no read beyond the one the store started").hasSize(3);

        // Forwards, the same: a wall clock stepped ahead a day makes no fresh reading stale.
        wall.advance(Duration.ofDays(1));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThat(cache.current()).isSameAs(stored));
        assertThat(started).hasSize(3);
    }

    @Test
    void aCallerDoesNotJoinAReadSentMoreThanACachePeriodAgo() {
        MovingClock moving = new MovingClock();
        CarpCache cache = cache(moving);
        cache.refresh();
        moving.advance(Duration.ofSeconds(3));
        CompletableFuture<CarpView> late = CompletableFuture.supplyAsync(cache::current, callers);
        org.awaitility.Awaitility.await("a read of its own").atMost(Duration.ofSeconds(30))
                .until(() -> started.size() == 2);
        CarpView newer = new CarpView.Known(List.of(), List.of(), Instant.EPOCH.plusSeconds(1));
        started.get(1).complete(newer);
        assertThat(late.join()).isSameAs(newer);
        // The older read answering last does not replace the newer reading.
        started.get(0).complete(KNOWN);
        assertThat(cache.lastSeen()).hasValueSatisfying(r -> assertThat(r.view()).isSameAs(newer));
    }

    @Test
    void aFreshReadingIsReusedAndRefreshStartsNothing() {
        CarpCache cache = cache(Duration.ofSeconds(30));
        cache.refresh();
        assertThat(started).hasSize(1);
        started.get(0).complete(KNOWN);
        assertThat(cache.current()).isSameAs(KNOWN);
        cache.refresh();
        assertThat(started).hasSize(1);
    }

    @Test
    void aDecisionPastHalfThePeriodStartsTheNextReadWithoutWaitingForIt() {
        MovingClock moving = new MovingClock();
        CarpCache cache = cache(moving);
        cache.refresh();
        started.get(0).complete(KNOWN);
        moving.advance(Duration.ofMillis(900)); // under half the period: nothing ahead
        assertThat(cache.current()).isSameAs(KNOWN);
        assertThat(started).hasSize(1);
        moving.advance(Duration.ofMillis(200));
        // Past half: the fresh reading answers at once, and the next read is on its way for the calls that follow.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThat(cache.current()).isSameAs(KNOWN));
        assertThat(started).hasSize(2);
        for (int i = 0; i < 5; i++) {
            assertThat(cache.current()).isSameAs(KNOWN);
        }
        assertThat(started).as("one read on its way at a time").hasSize(2);
        CarpView newer = new CarpView.Known(List.of(), List.of(), Instant.EPOCH.plusSeconds(1));
        started.get(1).complete(newer);
        moving.advance(Duration.ofMillis(950)); // 2.05 s after the first read's request: stale; the ahead one is not
        assertThat(cache.current()).isSameAs(newer);
        assertThat(started).hasSize(2);
        // refresh() (the accept, the periodic read) never reads ahead: only a fresh-enough check.
        moving.advance(Duration.ofMillis(100));
        cache.refresh();
        assertThat(started).hasSize(2);
    }

    @Test
    void aFailedReadingIsNotReadAhead() {
        MovingClock moving = new MovingClock();
        CarpCache cache = cache(moving);
        cache.refresh();
        started.get(0).complete(new CarpView.Unavailable("backup API answered HTTP 500"));
        moving.advance(Duration.ofMillis(1500));
        assertThat(cache.current()).isInstanceOf(CarpView.Unavailable.class);
        assertThat(started).as("a failure stays remembered for the whole period").hasSize(1);
    }

    @Test
    void aFailedReadIsRememberedLikeAnAnswer() {
        CarpCache cache = cache(Duration.ofSeconds(30));
        cache.refresh();
        started.get(0).complete(new CarpView.Unavailable("backup API answered HTTP 500"));
        for (int i = 0; i < 5; i++) {
            assertThat(cache.current()).isEqualTo(new CarpView.Unavailable("backup API answered HTTP 500"));
        }
        assertThat(started).hasSize(1);
        assertThat(told).extracting(CarpReading::answered).containsExactly(false);
    }

    @Test
    void aReadThatNeverEndsCostsACallerAtMostMaxWait() {
        CarpCache cache = cache(Duration.ofMillis(200));
        long before = System.nanoTime();
        CarpView view = cache.current();
        assertThat(view).isInstanceOf(CarpView.Unavailable.class);
        assertThat(((CarpView.Unavailable) view).reason()).contains("did not complete within 200 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aReadThatCannotStartIsAnUnavailableReading() {
        AtomicInteger attempts = new AtomicInteger();
        CarpCache cache = new CarpCache(() -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("client stopped");
        }, TTL, Duration.ofSeconds(1), clock, told::add);
        CarpView view = cache.current();
        assertThat(view).isInstanceOf(CarpView.Unavailable.class);
        assertThat(((CarpView.Unavailable) view).reason()).contains("IllegalStateException").doesNotContain("client stopped");
        assertThat(cache.current()).isEqualTo(view);
        assertThat(attempts).hasValue(1);
    }
}
