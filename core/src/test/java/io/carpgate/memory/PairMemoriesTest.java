package io.carpgate.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One memory per pair and backup, the same object while carpgate runs, kept on disk whole or not at all. */
class PairMemoriesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private static final String URL = "https://192.0.2.2";
    private static final CarpItem WG0 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0-branches", true,
            Optional.of(7), Optional.of("opt2"), Optional.of("9a8b7c6d"), "VHID 7 from the master's VIP in the restore",
            Optional.empty());

    @TempDir
    Path dir;

    @Test
    void theSamePairAndBackupGetTheSameMemoryAnotherBackupAnEmptyOne() {
        PairMemories memories = new PairMemories(Optional.of(dir), CLOCK);
        PairMemory memory = memories.of("default", URL);
        memory.stored(List.of(WG0));
        assertThat(memories.of("default", URL)).isSameAs(memory);
        assertThat(memories.of("default", "https://192.0.2.3").book().all()).isEmpty();
    }

    @Test
    void aStoredRestoreIsOnDiskAndReadBackExactlyByTheNextRun() throws Exception {
        new PairMemories(Optional.of(dir), CLOCK).of("default", URL).stored(List.of(WG0));
        Path file = PairMemories.fileIn(dir, "default", URL);
        assertThat(file).exists();
        assertThat(dir.resolve(file.getFileName() + ".new")).doesNotExist();

        PairMemory next = new PairMemories(Optional.of(dir), CLOCK).of("default", URL);
        assertThat(next.book().all()).containsExactly(WG0.learnedAt(CLOCK.instant()));
    }

    @Test
    void aRestoreInDoubtForgetsTheVhidAndSaysWhy() {
        PairMemory memory = new PairMemories(Optional.of(dir), CLOCK).of("default", URL);
        memory.stored(List.of(WG0));
        memory.inDoubt(List.of(WG0), "no answer in time");
        CarpItem doubted = memory.book().find(ItemKind.WIREGUARD, "3d2c1b0a").orElseThrow();
        assertThat(doubted.vhid()).isEmpty();
        assertThat(doubted.basis()).contains("may or may not have been stored", "no answer in time");
        assertThat(new PairMemories(Optional.of(dir), CLOCK).of("default", URL).book().all()).containsExactly(doubted);
    }

    @Test
    void aFileThatIsNotExactlyThisPairsMemoryIsSetAsideAndNothingOfItIsUsed() throws Exception {
        new PairMemories(Optional.of(dir), CLOCK).of("default", URL).stored(List.of(WG0));
        Path file = PairMemories.fileIn(dir, "default", URL);
        String good = Files.readString(file);
        for (String broken : List.of(good.replace("\"vhid\" : 7", "\"vhid\" : 700"),
                good.replace("wireguard", "ipsec"), good.replace("\"format\" : 1", "\"format\" : 2"),
                good.replace("\"pair\" : \"default\"", "\"pair\" : \"other\""), good.substring(0, good.length() / 2),
                good.replace("\"gated\"", "\"extra\" : 1, \"gated\""))) {
            Files.writeString(file, broken);
            PairMemory loaded = new PairMemories(Optional.of(dir), CLOCK).of("default", URL);
            assertThat(loaded.book().all()).as(broken).isEmpty();
            assertThat(file.resolveSibling(file.getFileName() + ".corrupt")).hasContent(broken);
            assertThat(file).doesNotExist();
        }
    }

    @Test
    void anUnwritableFolderKeepsTheMemoryInTheProcess() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        PairMemory memory = new PairMemories(Optional.of(notAFolder.resolve("state")), CLOCK).of("default", URL);
        memory.stored(List.of(WG0));
        assertThat(memory.book().all()).hasSize(1);
    }

    @Test
    void aChangeThatCannotBeSavedRemovesTheOlderFileSoNoRestartLoadsIt() throws Exception {
        PairMemory memory = new PairMemories(Optional.of(dir), CLOCK).of("default", URL);
        memory.stored(List.of(WG0));
        Path file = PairMemories.fileIn(dir, "default", URL);
        // Something the write cannot remove stands where it writes first.
        Path blocker = Files.createDirectories(dir.resolve(file.getFileName() + ".new"));
        Files.writeString(blocker.resolve("x"), "x");
        memory.inDoubt(List.of(WG0), "no answer");
        assertThat(file).doesNotExist();
        assertThat(new PairMemories(Optional.of(dir), CLOCK).of("default", URL).book().all()).isEmpty();

        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        memory.stored(List.of(WG0));
        assertThat(new PairMemories(Optional.of(dir), CLOCK).of("default", URL).book().all()).hasSize(1);
    }

    @Test
    void aLeftoverOfAFailedWriteNeitherBlocksTheNextNorIsFollowed() throws Exception {
        Path file = PairMemories.fileIn(dir, "default", URL);
        Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "keep");
        Files.createSymbolicLink(dir.resolve(file.getFileName() + ".new"), elsewhere);
        new PairMemories(Optional.of(dir), CLOCK).of("default", URL).stored(List.of(WG0));
        assertThat(elsewhere).hasContent("keep");
        assertThat(new PairMemories(Optional.of(dir), CLOCK).of("default", URL).book().all()).hasSize(1);
    }

    @Test
    void whatAnEarlierUrlOfThePairLearnedIsSetAsideNotLoadedLater() throws Exception {
        new PairMemories(Optional.of(dir), CLOCK).of("default", URL).stored(List.of(WG0));
        PairMemories moved = new PairMemories(Optional.of(dir), CLOCK);
        moved.of("default", "https://backup.example.net");
        assertThat(PairMemories.fileIn(dir, "default", URL)).as("not while the new configuration is being built")
                .exists();
        moved.inEffect(java.util.Map.of("default", "https://backup.example.net"));
        assertThat(PairMemories.fileIn(dir, "default", URL)).doesNotExist();
        assertThat(new PairMemories(Optional.of(dir), CLOCK).of("default", URL).book().all()).isEmpty();
    }

    @Test
    void aWriteUnderWayWhenThePairMovesToAnotherBackupLandsBeforeItsFileIsSetAside() throws Exception {
        CarpItem wg0On8 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0-branches", true, Optional.of(8),
                Optional.of("opt2"), Optional.of("1f2e3d4c"), "VHID 8 from the master's VIP in the restore",
                Optional.empty());
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            // Each round: a call of the old configuration keeps teaching changes (each one written) while a reload
            // moves the pair to another backup. Whatever the old call still learns must not bring its file back.
            for (int round = 0; round < 20; round++) {
                Path folder = Files.createDirectories(dir.resolve("round-" + round));
                PairMemories memories = new PairMemories(Optional.of(folder), CLOCK);
                PairMemory old = memories.of("default", URL);
                Path oldFile = PairMemories.fileIn(folder, "default", URL);
                CountDownLatch written = new CountDownLatch(1);
                AtomicBoolean stop = new AtomicBoolean();
                Future<?> teaching = writer.submit(() -> {
                    for (int i = 0; i < 5_000 && !stop.get(); i++) {
                        old.stored(List.of(i % 2 == 0 ? WG0 : wg0On8));
                        written.countDown();
                    }
                });
                assertThat(written.await(30, TimeUnit.SECONDS)).as("the old call wrote").isTrue();
                assertThat(oldFile).exists();
                memories.of("default", "https://192.0.2.3");
                memories.inEffect(java.util.Map.of("default", "https://192.0.2.3"));
                stop.set(true);
                teaching.get(60, TimeUnit.SECONDS);
                assertThat(oldFile).as("round %d: the old backup's file, set aside at the reload", round)
                        .doesNotExist();
            }
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void aRestoreStoredAsTheMasterSentItNotAsRewrittenLeavesItsItemsUnknown() throws Exception {
        PairMemory memory = new PairMemories(Optional.of(dir), CLOCK).of("default", URL);
        CallOrder.Ticket ticket = memory.order().admit(CallOrder.Role.CHANGES, java.time.Duration.ZERO);
        PendingCall.restoring(memory, ticket, List.of(WG0), Optional.empty(), () -> { })
                .notAsRead("observe mode").settle(new BackupOutcome.Stored());
        assertThat(memory.book().all()).singleElement().satisfies(item -> {
            assertThat(item.vhid()).isEmpty();
            assertThat(item.basis()).contains("observe mode");
        });
        assertThat(memory.order().unsettled()).isZero();
    }

    @Test
    void aLongTextIsKeptCutSoTheFileAlwaysReadsBack() throws Exception {
        CarpItem longName = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "n".repeat(5000), true, Optional.of(7),
                Optional.of("opt2"), Optional.empty(), "b".repeat(5000), Optional.empty());
        new PairMemories(Optional.of(dir), CLOCK).of("default", URL).stored(List.of(longName));
        assertThat(new PairMemories(Optional.of(dir), CLOCK).of("default", URL).book().all()).singleElement()
                .satisfies(item -> assertThat(item.vhid()).contains(7));
    }

    @Test
    void aFolderOthersMayWriteIsNeitherReadNorWritten() throws Exception {
        new PairMemories(Optional.of(dir), CLOCK).of("default", URL).stored(List.of(WG0));
        Path file = PairMemories.fileIn(dir, "default", URL);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .as("written for the owner, so a umask of 002 does not make the next start distrust it")
                .matches("rw-[r-]-----");
        byte[] before = Files.readAllBytes(file);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));

        PairMemory next = new PairMemories(Optional.of(dir), CLOCK).of("default", URL);
        assertThat(next.book().all()).as("a planted file must not teach a VHID").isEmpty();
        next.stored(List.of(WG0.learnedAt(CLOCK.instant().plusSeconds(60))));
        assertThat(Files.readAllBytes(file)).as("nothing is written there either").isEqualTo(before);
        assertThat(PairMemories.look(dir, "default", URL)).isInstanceOfSatisfying(PairMemories.Remembered.Unreadable.class,
                u -> assertThat(u.why()).contains("can be written by its group and others", "chmod go-w " + dir));

        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw--w----"));
        assertThat(new PairMemories(Optional.of(dir), CLOCK).of("default", URL).book().all())
                .as("a memory file its group may write is not read").isEmpty();
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(new PairMemories(Optional.of(dir), CLOCK).of("default", URL).book().all()).hasSize(1);
    }

    @Test
    void withoutAStateFolderNothingIsWritten() throws Exception {
        new PairMemories(Optional.empty(), CLOCK).of("default", URL).stored(List.of(WG0));
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
