package io.carpgate.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemBook;
import io.carpgate.policy.ItemKind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore that moves wg0 from VHID 7 to VHID 2 is on its way (the file says wg0 in doubt). A start that
 * waited its whole turn goes on out of turn (CallOrder lets a late reader go), is answered, and settles with Stored:
 * PendingCall.settle calls memory.stored(List.of()), which clears sentInDoubt and rewrites the file with wg0 on VHID 7
 * while the restore is still with the backup. A crash now restarts with wg0 known on VHID 7.
 */
class LateReaderTest {
    private static final String URL = "https://192.0.2.2";
    private static final CarpItem WG0 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0-branches", true,
            Optional.of(7), Optional.of("opt2"), Optional.of("9a8b7c6d"), "VHID 7", Optional.empty());
    private static final CarpItem WG0_ON_2 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0-branches", true,
            Optional.of(2), Optional.of("lan"), Optional.of("77777777"), "VHID 2", Optional.empty());

    @TempDir
    Path dir;

    private ItemBook onDisk() {
        return ((PairMemories.Remembered.Items) PairMemories.look(dir, "default", URL)).book();
    }

    @Test
    void aLateStartSettlingDoesNotTakeTheRestoreOnItsWayOffTheDisk() throws Exception {
        PairMemory memory = new PairMemories(Optional.of(dir), Clock.systemUTC()).of("default", URL);
        memory.stored(List.of(WG0));

        CallOrder.Ticket restore = memory.order().admit(CallOrder.Role.CHANGES, Duration.ofSeconds(5));
        memory.sending(restore, List.of(WG0_ON_2));
        PendingCall restoring = PendingCall.restoring(memory, restore, List.of(WG0_ON_2), Optional.empty(), () -> { });
        assertThat(onDisk().find(ItemKind.WIREGUARD, "3d2c1b0a").orElseThrow().vhid()).isEmpty();

        // A restart of wg0 waited its whole turn and goes on out of turn; the backup answers it.
        CallOrder.Ticket late = memory.order().admit(CallOrder.Role.READS, Duration.ofMillis(50));
        assertThat(late.inTurn()).isFalse();
        PendingCall.reading(memory, late).settle(new BackupOutcome.Stored());

        assertThat(onDisk().find(ItemKind.WIREGUARD, "3d2c1b0a").orElseThrow().vhid())
                .as("the restore is still with the backup: the file must keep wg0 in doubt")
                .isEmpty();
        restoring.settle(new BackupOutcome.Stored());
    }
    @Test
    void aLateStartWhoseAnswerIsLostDoesNotTakeTheRestoreOnItsWayOffTheDiskEither() throws Exception {
        PairMemory memory = new PairMemories(Optional.of(dir), Clock.systemUTC()).of("default", URL);
        memory.stored(List.of(WG0));
        CallOrder.Ticket restore = memory.order().admit(CallOrder.Role.CHANGES, Duration.ofSeconds(5));
        memory.sending(restore, List.of(WG0_ON_2));
        PendingCall restoring = PendingCall.restoring(memory, restore, List.of(WG0_ON_2), Optional.empty(), () -> { });

        CallOrder.Ticket late = memory.order().admit(CallOrder.Role.READS, Duration.ofMillis(50));
        PendingCall.reading(memory, late).settle(new BackupOutcome.Unknown("the answer was lost"));
        // A later write of anything (here a confirmation of another item) must still say wg0 is in doubt.
        memory.stored(List.of(new CarpItem(ItemKind.WIREGUARD, "5e6f7a8b", "wg1-lan", true, Optional.of(2),
                Optional.of("lan"), Optional.of("77777777"), "VHID 2", Optional.empty())));

        assertThat(onDisk().find(ItemKind.WIREGUARD, "3d2c1b0a").orElseThrow().vhid())
                .as("the restore is still with the backup").isEmpty();
        restoring.settle(new BackupOutcome.Stored());
        assertThat(onDisk().find(ItemKind.WIREGUARD, "3d2c1b0a").orElseThrow().vhid()).contains(2);
    }
}
