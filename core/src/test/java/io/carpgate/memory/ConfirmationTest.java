package io.carpgate.memory;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemBook;
import io.carpgate.policy.ItemKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.carpgate.testkit.TickingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore that only confirms what the memory knows (nearly every sync's) is written once its call has let the
 * next one go; a change is on the disk before. Either way the file ends as the book is.
 */
class ConfirmationTest {
    private static final String URL = "https://192.0.2.2";
    private static final CarpItem WG0 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0-branches", true,
            Optional.of(7), Optional.of("opt2"), Optional.of("9a8b7c6d"), "VHID 7 from the master's VIP in the restore",
            Optional.empty());
    private static final CarpItem WG0_ON_8 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0-branches", true,
            Optional.of(8), Optional.of("opt2"), Optional.of("1f2e3d4c"), "VHID 8 from the master's VIP in the restore",
            Optional.empty());

    @TempDir
    Path dir;

    private ItemBook onDisk() {
        PairMemories.Remembered remembered = PairMemories.look(dir, "default", URL);
        assertThat(remembered).isInstanceOf(PairMemories.Remembered.Items.class);
        return ((PairMemories.Remembered.Items) remembered).book();
    }

    private static Instant learnedAt(ItemBook book) {
        return book.find(ItemKind.WIREGUARD, "3d2c1b0a").orElseThrow().learnedAt().orElseThrow();
    }

    @Test
    void aConfirmationIsInTheBookAtOnceAndOnTheDiskOnceSaved() {
        PairMemory memory = new PairMemories(Optional.of(dir), new TickingClock(Instant.parse("2026-12-03T10:00:00Z"), Duration.ofSeconds(1))).of("default", URL);
        memory.stored(List.of(WG0));
        Instant first = learnedAt(onDisk());

        memory.stored(List.of(WG0));
        Instant second = learnedAt(memory.book());
        assertThat(second).isAfter(first);
        assertThat(learnedAt(onDisk())).as("not yet written").isEqualTo(first);

        memory.saveConfirmed();
        assertThat(onDisk()).isEqualTo(memory.book());
        assertThat(learnedAt(onDisk())).isEqualTo(second);
    }

    @Test
    void aChangeIsOnTheDiskWhenStoredReturns() {
        PairMemory memory = new PairMemories(Optional.of(dir), new TickingClock(Instant.parse("2026-12-03T10:00:00Z"), Duration.ofSeconds(1))).of("default", URL);
        memory.stored(List.of(WG0));
        memory.stored(List.of(WG0_ON_8));
        assertThat(onDisk().find(ItemKind.WIREGUARD, "3d2c1b0a").orElseThrow().vhid()).contains(8);
        assertThat(onDisk()).isEqualTo(memory.book());
    }

    @Test
    void aSettledConfirmationIsOnTheDiskAndTheNextCallMayGo() throws Exception {
        PairMemory memory = new PairMemories(Optional.of(dir), new TickingClock(Instant.parse("2026-12-03T10:00:00Z"), Duration.ofSeconds(1))).of("default", URL);
        memory.stored(List.of(WG0));
        CallOrder.Ticket ticket = memory.order().admit(CallOrder.Role.CHANGES, Duration.ofSeconds(5));
        PendingCall call = PendingCall.restoring(memory, ticket, List.of(WG0), Optional.empty(), () -> { });
        call.settle(new BackupOutcome.Stored());

        assertThat(onDisk()).isEqualTo(memory.book());
        CallOrder.Ticket next = memory.order().admit(CallOrder.Role.CHANGES, Duration.ofMillis(100));
        assertThat(next.inTurn()).as("the confirmed restore's turn is over").isTrue();
        next.settle();
        assertThat(memory.order().unsettled()).isZero();
    }

    @Test
    void confirmationsAndChangesFromManyCallsLeaveTheFileAsTheBookIs() throws Exception {
        PairMemory memory = new PairMemories(Optional.of(dir), new TickingClock(Instant.parse("2026-12-03T10:00:00Z"), Duration.ofSeconds(1))).of("default", URL);
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(PairMemory.class);
        ch.qos.logback.core.read.ListAppender<ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = List.of(
                    threads.submit(() -> {
                        go.await();
                        for (int i = 0; i < 150; i++) {
                            memory.stored(List.of(WG0));
                            memory.saveConfirmed();
                        }
                        return null;
                    }),
                    threads.submit(() -> {
                        go.await();
                        for (int i = 0; i < 150; i++) {
                            memory.stored(List.of(WG0_ON_8));
                            memory.saveConfirmed();
                        }
                        return null;
                    }),
                    threads.submit(() -> {
                        go.await();
                        for (int i = 0; i < 150; i++) {
                            memory.stored(List.of(i % 2 == 0 ? WG0 : WG0_ON_8));
                            memory.saveConfirmed(); // as every call's settle does after it
                        }
                        return null;
                    }));
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
            logger.detachAppender(logged);
        }
        assertThat(logged.list).as("no write failed (two at once would trip over each other's file)")
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
        assertThat(onDisk()).isEqualTo(memory.book());
        assertThat(dir.resolve(PairMemories.fileIn(dir, "default", URL).getFileName() + ".new")).doesNotExist();
    }

    @Test
    void whatTheWarmUpEncodesIsWhatAWriteWrites() throws Exception {
        PairMemory memory = new PairMemories(Optional.of(dir), new TickingClock(Instant.parse("2026-12-03T10:00:00Z"), Duration.ofSeconds(1))).of("default", URL);
        memory.stored(List.of(WG0));
        assertThat(Files.readAllBytes(PairMemories.fileIn(dir, "default", URL)))
                .isEqualTo(MemoryFile.encode("default", URL, memory.book()));
    }

    @Test
    void aRehearsalLearnsButKeepsNothingBetweenRuns() {
        PairMemories rehearsal = PairMemories.rehearsal(new TickingClock(Instant.parse("2026-12-03T10:00:00Z"), Duration.ofSeconds(1)));
        PairMemory memory = rehearsal.of("default", URL);
        memory.stored(List.of(WG0));
        memory.stored(List.of(WG0));
        memory.saveConfirmed();
        assertThat(memory.book().all()).hasSize(1);
        assertThat(PairMemories.rehearsal(new TickingClock(Instant.parse("2026-12-03T10:00:00Z"), Duration.ofSeconds(1))).of("default", URL).book().all()).isEmpty();
    }
}
