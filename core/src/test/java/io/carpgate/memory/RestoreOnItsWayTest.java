package io.carpgate.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.policy.CarpItem;
import io.carpgate.policy.ItemBook;
import io.carpgate.policy.ItemKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore that would change what carpgate knows is on the disk, its items in doubt, before it goes to the backup:
 * carpgate may die before the answer (killed, out of memory, power lost), and the backup may have stored it. The book
 * itself waits for the answer; the file ends as the book once the answer is known, whatever it says.
 */
class RestoreOnItsWayTest {
    private static final String URL = "https://192.0.2.2";
    private static final CarpItem WG0 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0-branches", true,
            Optional.of(7), Optional.of("opt2"), Optional.of("9a8b7c6d"), "VHID 7 from the master's VIP in the restore",
            Optional.empty());
    private static final CarpItem WG0_ON_2 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0-branches", true,
            Optional.of(2), Optional.of("lan"), Optional.of("77777777"), "VHID 2 from the master's VIP in the restore",
            Optional.empty());

    @TempDir
    Path dir;

    private PairMemory memory() {
        return new PairMemories(Optional.of(dir), Clock.systemUTC()).of("default", URL);
    }

    private ItemBook onDisk() {
        PairMemories.Remembered remembered = PairMemories.look(dir, "default", URL);
        assertThat(remembered).isInstanceOf(PairMemories.Remembered.Items.class);
        return ((PairMemories.Remembered.Items) remembered).book();
    }

    private static CarpItem wg0(ItemBook book) {
        return book.find(ItemKind.WIREGUARD, "3d2c1b0a").orElseThrow();
    }

    private PendingCall restoreOnItsWay(PairMemory memory, CarpItem taught) throws InterruptedException {
        CallOrder.Ticket ticket = memory.order().admit(CallOrder.Role.CHANGES, Duration.ofSeconds(5));
        memory.sending(ticket, List.of(taught));
        return PendingCall.restoring(memory, ticket, List.of(taught), Optional.empty(), () -> { });
    }

    @Test
    void aChangingRestoreOnItsWayIsInDoubtOnTheDiskAndNotYetInTheBook() throws Exception {
        PairMemory memory = memory();
        memory.stored(List.of(WG0));

        restoreOnItsWay(memory, WG0_ON_2);

        assertThat(wg0(memory.book()).vhid()).as("starts are still decided on what the backup held").contains(7);
        CarpItem saved = wg0(onDisk());
        assertThat(saved.vhid()).as("a restart after a crash now does not take VHID 7 as known").isEmpty();
        assertThat(saved.basis()).contains("had not been answered");
        // What a restart loads: the item is in doubt, not on VHID 7.
        assertThat(wg0(memory().book()).vhid()).isEmpty();
    }

    @Test
    void storedItIsTheNewItemOnTheDisk() throws Exception {
        PairMemory memory = memory();
        memory.stored(List.of(WG0));
        restoreOnItsWay(memory, WG0_ON_2).settle(new BackupOutcome.Stored());

        assertThat(wg0(memory.book()).vhid()).contains(2);
        assertThat(onDisk()).isEqualTo(memory.book());
    }

    @Test
    void notStoredTheFileIsAsBefore() throws Exception {
        PairMemory memory = memory();
        memory.stored(List.of(WG0));
        ItemBook before = onDisk();
        restoreOnItsWay(memory, WG0_ON_2).settle(new BackupOutcome.NotStored("the backup refused it"));

        assertThat(wg0(memory.book()).vhid()).contains(7);
        assertThat(onDisk()).isEqualTo(before).isEqualTo(memory.book());
    }

    @Test
    void unknownTheItemIsInDoubtInTheBookAndOnTheDisk() throws Exception {
        PairMemory memory = memory();
        memory.stored(List.of(WG0));
        restoreOnItsWay(memory, WG0_ON_2).settle(new BackupOutcome.Unknown("the answer was lost"));

        assertThat(wg0(memory.book()).vhid()).isEmpty();
        assertThat(onDisk()).isEqualTo(memory.book());
    }

    @Test
    void aRestoreThatOnlyConfirmsWritesNothingBeforeItGoes() throws Exception {
        PairMemory memory = memory();
        memory.stored(List.of(WG0));
        Path file = PairMemories.fileIn(dir, "default", URL);
        byte[] before = Files.readAllBytes(file);

        PendingCall call = restoreOnItsWay(memory, WG0);
        assertThat(Files.readAllBytes(file)).as("stored or not, the backup holds the same VHIDs").isEqualTo(before);
        call.settle(new BackupOutcome.Stored());
        assertThat(onDisk()).isEqualTo(memory.book());
    }

    @Test
    void aNewItemOnItsWayIsInDoubtOnTheDisk() throws Exception {
        PairMemory memory = memory();
        restoreOnItsWay(memory, WG0_ON_2);

        assertThat(memory.book().size()).isZero();
        assertThat(wg0(onDisk()).vhid()).isEmpty();
    }
}
