package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.CallOrder;
import io.carpgate.memory.PairMemories;
import io.carpgate.memory.PairMemory;
import io.carpgate.memory.PendingCall;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Observe mode sends a call carpgate did not read without waiting its turn, so it can be on its way beside a restore
 * (or another such call). What the file says of each meanwhile stays until that call's own answer; and since nobody
 * knows which of the two the backup applied last, the restore learns nothing from its own answer.
 */
class UnreadBesideRestoreTest {
    private static final String URL = "https://192.0.2.2";
    private static final CarpItem WG0 = new CarpItem(ItemKind.WIREGUARD, GateTest.WG0, "wg0-branches", true,
            Optional.of(7), Optional.of("opt2"), Optional.of(GateTest.MASTER_VIP7), "VHID 7", Optional.empty());

    @TempDir
    Path dir;

    private Optional<Integer> wg0OnDisk() {
        return ((PairMemories.Remembered.Items) PairMemories.look(dir, "default", URL)).book()
                .find(ItemKind.WIREGUARD, GateTest.WG0).orElseThrow().vhid();
    }

    private static final CarpItem WG0_ON_2 = new CarpItem(ItemKind.WIREGUARD, GateTest.WG0, "wg0-branches", true,
            Optional.of(2), Optional.of("lan"), Optional.of("77777777"), "VHID 2", Optional.empty());

    private Gatekeeper gatekeeper(PairMemory memory) {
        return new Gatekeeper("default", VhidMap.none(), io.carpgate.testkit.FixedCarp.unavailable(),
                OnUnknownCarp.SUPPRESS, memory, Duration.ofSeconds(5), vips -> { });
    }

    /** The pair's memory, with wg0 known on VHID 7 (in the book and on the disk). */
    private PairMemory knowingWg0() {
        PairMemory memory = new PairMemories(Optional.of(dir), Clock.systemUTC()).of("default", URL);
        memory.stored(List.of(WG0));
        return memory;
    }

    /** A restore moving wg0 to VHID 2, sent in its turn (wg0 in doubt on the disk), its answer not yet come. */
    private static PendingCall restoreOnItsWay(PairMemory memory, CallOrder.Ticket turn) {
        memory.sending(turn, List.of(WG0_ON_2));
        return PendingCall.restoring(memory, turn, List.of(WG0_ON_2), Optional.empty(), () -> { });
    }

    private static PendingCall restoreOnItsWay(PairMemory memory) throws InterruptedException {
        return restoreOnItsWay(memory, memory.order().admit(CallOrder.Role.CHANGES, Duration.ofSeconds(5)));
    }

    /** An earlier restore (its own overlay) answered while an unread body is still with the backup. */
    @Test
    void anEarlierRestoreSettlingDoesNotTakeTheUnreadCallOffTheDisk() throws Exception {
        PairMemory memory = knowingWg0();
        PendingCall restoring = restoreOnItsWay(memory);

        // Observe mode: a body carpgate cannot read goes on at once (Deciding.decide -> sentAnyway(.., empty)).
        PendingCall unread = gatekeeper(memory).sentUnjudged(Optional.empty(), "observe mode sent an unreadable body");
        assertThat(wg0OnDisk()).isEmpty();

        restoring.settle(new BackupOutcome.Stored()); // the restore is answered; the unread body is still on its way
        assertThat(wg0OnDisk()).as("the unread body may still be stored: wg0 must stay in doubt on the disk").isEmpty();
        unread.settle(new BackupOutcome.Stored());
        assertThat(memory.book().find(ItemKind.WIREGUARD, GateTest.WG0).orElseThrow().vhid()).isEmpty();
        assertThat(wg0OnDisk()).isEmpty();
    }

    /** The unread body answered first, then the restore: the restore's answer does not make wg0 known again. */
    @Test
    void aRestoreOnItsWayBesideAnUnreadCallLearnsNothingFromItsAnswer() throws Exception {
        PairMemory memory = knowingWg0();
        PendingCall restoring = restoreOnItsWay(memory);
        PendingCall unread = gatekeeper(memory).sentUnjudged(Optional.empty(), "observe mode sent an unreadable body");

        unread.settle(new BackupOutcome.Stored());
        restoring.settle(new BackupOutcome.Stored());
        assertThat(memory.book().find(ItemKind.WIREGUARD, GateTest.WG0).orElseThrow()).satisfies(wg0 -> {
            assertThat(wg0.vhid()).as("the backup may have applied the unread call last").isEmpty();
            assertThat(wg0.basis()).contains("did not read");
        });
        assertThat(wg0OnDisk()).isEmpty();
        assertThat(memory.order().unsettled()).isZero();
    }

    /** An unread call alone that never reached the backup leaves the file as the book. */
    @Test
    void anUnreadCallThatNeverWentLeavesTheFileAsTheBook() throws Exception {
        PairMemory memory = knowingWg0();
        PendingCall unread = gatekeeper(memory).sentUnjudged(Optional.empty(), "observe mode sent an unreadable body");
        assertThat(wg0OnDisk()).as("in doubt while it is on its way").isEmpty();
        unread.settle(new BackupOutcome.NotStored("the call did not reach the backup"));
        assertThat(wg0OnDisk()).contains(7);
        assertThat(memory.book().find(ItemKind.WIREGUARD, GateTest.WG0).orElseThrow().vhid()).contains(7);
    }

    /** An unread body that never reached the backup leaves the restore still on its way in doubt on the disk. */
    @Test
    void anUnreadCallThatNeverWentDoesNotTakeTheRestoreOnItsWayOffTheDisk() throws Exception {
        PairMemory memory = knowingWg0();
        PendingCall restoring = restoreOnItsWay(memory);

        PendingCall unread = gatekeeper(memory).sentUnjudged(Optional.empty(), "observe mode sent an unreadable body");
        unread.settle(new BackupOutcome.NotStored("the call did not reach the backup"));
        assertThat(wg0OnDisk()).as("the restore is still with the backup: wg0 in doubt on the disk").isEmpty();
        restoring.settle(new BackupOutcome.Stored());
    }

    /** Two unread bodies side by side: the first, not stored, leaves the second in doubt on the disk. */
    @Test
    void twoUnreadCalls() throws Exception {
        PairMemory memory = knowingWg0();
        Gatekeeper gatekeeper = gatekeeper(memory);
        PendingCall first = gatekeeper.sentUnjudged(Optional.empty(), "unreadable 1");
        PendingCall second = gatekeeper.sentUnjudged(Optional.empty(), "unreadable 2");
        first.settle(new BackupOutcome.NotStored("the call did not reach the backup"));
        assertThat(wg0OnDisk()).as("the second is still with the backup").isEmpty();
        second.settle(new BackupOutcome.Stored());
        assertThat(wg0OnDisk()).as("the second may have been stored").isEmpty();
        assertThat(memory.book().find(ItemKind.WIREGUARD, GateTest.WG0).orElseThrow().vhid()).isEmpty();
        assertThat(memory.order().unsettled()).isZero();
    }

    /**
     * A restore queued behind a start; an unread call goes past both (it waits for no turn); the start is answered,
     * and the restore's turn comes while the unread call is still out: the unread call may be applied after it.
     */
    @Test
    void aRestoreSentWhileAnUnreadCallIsOutLearnsOnlyDoubt() throws Exception {
        PairMemory memory = knowingWg0();
        CallOrder.Ticket start = memory.order().admit(CallOrder.Role.READS, Duration.ofSeconds(5));
        java.util.concurrent.ExecutorService master = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<CallOrder.Ticket> restore = master.submit(
                    () -> memory.order().admit(CallOrder.Role.CHANGES, Duration.ofSeconds(30)));
            org.awaitility.Awaitility.await("the restore waits behind the start").atMost(Duration.ofSeconds(30))
                    .until(() -> memory.order().unsettled() == 2);
            PendingCall unread = gatekeeper(memory).sentUnjudged(Optional.empty(), "observe mode sent an unreadable body");
            PendingCall.reading(memory, start).settle(new BackupOutcome.Stored());
            CallOrder.Ticket turn = restore.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(turn.inTurn()).as("the unread call is after it in the order").isTrue();
            restoreOnItsWay(memory, turn).settle(new BackupOutcome.Stored());
            assertThat(memory.book().find(ItemKind.WIREGUARD, GateTest.WG0).orElseThrow().vhid())
                    .as("the unread call, still out, may be applied after it").isEmpty();
            assertThat(wg0OnDisk()).isEmpty();
            unread.settle(new BackupOutcome.Stored());
            assertThat(memory.order().unsettled()).isZero();
        } finally {
            master.shutdownNow();
        }
    }
}
