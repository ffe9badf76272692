package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PairMemories;
import io.carpgate.memory.PairMemory;
import io.carpgate.testkit.FixedCarp;
import io.carpgate.testkit.TickingClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restore teaches is kept, shown on the status page and named in the watch's metric labels for as long as
 * carpgate runs: a client's restore with an item whose uuid and name are each up to 1 Mi chars (what the reader
 * reads) must not make the book hold megabytes of names an item. Names are kept cut; the uuid, which finds the item,
 * whole.
 */
class LearnedTextBoundsTest {
    private final Calls c = new Calls();

    @TempDir
    Path dir;

    @Test
    void anItemsNameIsKeptCutAndItsUuidWhole() {
        TickingClock clock = new TickingClock(Instant.parse("2026-12-07T10:00:00Z"), Duration.ofMillis(1));
        PairMemory memory = new PairMemories(Optional.of(dir), clock).of("default", "https://192.0.2.2");
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(), new FixedCarp(GateTest.view("BACKUP", "BACKUP")),
                OnUnknownCarp.SUPPRESS, memory, Duration.ofSeconds(5), vips -> { });
        String uuid = "3d2c1b0a-" + "9".repeat(200_000);
        String name = "wg0-" + "n".repeat(500_000);
        gatekeeper.decide(c.restore(List.of(c.wgInstance(uuid, name, GateTest.MASTER_VIP7)),
                List.of(c.vip(GateTest.MASTER_VIP7, "opt2", "7")))).pending().settle(new BackupOutcome.Stored());

        CarpItem kept = memory.book().all().iterator().next();
        assertThat(kept.uuid()).as("what finds the item is never cut").isEqualTo(uuid);
        assertThat(kept.name()).hasSize(CarpItem.MAX_TEXT).startsWith("wg0-nn").endsWith("…");
        assertThat(kept.vhid()).as("what it follows is still learned").contains(7);
        // Not on the disk: a uuid cut to fit the file could be read back as another item's.
        PairMemories.Remembered onDisk = PairMemories.look(dir, "default", "https://192.0.2.2");
        assertThat(onDisk).isInstanceOf(PairMemories.Remembered.Items.class);
        assertThat(((PairMemories.Remembered.Items) onDisk).book().all()).isEmpty();

        // A start naming the whole uuid finds the item: suppressed on its VHID (BACKUP), not as an item unknown.
        Verdict start = gatekeeper.decide(c.service("opnsense.restart_service", "wireguard", uuid)).verdict();
        assertThat(start).isInstanceOf(Verdict.Suppress.class);
        assertThat(start.calls().get(0).reason()).doesNotContain("has not been seen in a restore");

        // Two such items whose uuids begin alike, and a short one beside them: after a restart, only the short one is
        // known, and neither long one is taken for the other.
        PairMemory again = new PairMemories(Optional.of(dir), clock).of("other", "https://192.0.2.3");
        Gatekeeper other = new Gatekeeper("other", VhidMap.none(), new FixedCarp(GateTest.view("BACKUP", "BACKUP")),
                OnUnknownCarp.SUPPRESS, again, Duration.ofSeconds(5), vips -> { });
        other.decide(c.restore(List.of(c.wgInstance(uuid + "-a", "a", GateTest.MASTER_VIP7),
                        c.wgInstance(uuid + "-b", "b", GateTest.MASTER_VIP7), c.wgInstance(GateTest.WG0, "c",
                        GateTest.MASTER_VIP7)), List.of(c.vip(GateTest.MASTER_VIP7, "opt2", "7"))))
                .pending().settle(new BackupOutcome.Stored());
        assertThat(again.book().all()).hasSize(3);
        PairMemory restarted = new PairMemories(Optional.of(dir), clock).of("other", "https://192.0.2.3");
        assertThat(restarted.book().all()).extracting(CarpItem::uuid).containsExactly(GateTest.WG0);
    }
}
