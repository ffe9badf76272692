package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpCache;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PairMemory;
import io.carpgate.xmlrpc.BodyPatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import io.carpgate.testkit.TickingClock;
import org.junit.jupiter.api.Test;

/**
 * A restore that syncs VIPs replaces the backup's VIP uuids (VIP sync on: the backup's VIP for VHID 7 is now the
 * master's). A restore right after it, within the CARP cache's period, must not point an item at the VIP the first
 * one removed: the backup would find no such VIP, take the item as having no CARP dependency, and bring it up while
 * BACKUP. The cache here is carpgate's own; only the backup's API is played by the test (its reads answer at once).
 */
class RestoreAfterStoredRestoreTest {
    private final Calls c = new Calls();

    /**
     * carpgate's CARP cache before the backup's API: the first read answers at once with the backup's own VIP for
     * VHID 7; every later one waits in {@code reads} until the test completes it.
     */
    private static CarpCache carp(List<CompletableFuture<CarpView>> reads, Clock clock) {
        return new CarpCache(() -> {
            CompletableFuture<CarpView> read = reads.isEmpty()
                    ? CompletableFuture.completedFuture(backupWith(GateTest.BACKUP_VIP7)) : new CompletableFuture<>();
            reads.add(read);
            return read;
        }, Duration.ofMinutes(1), Duration.ofSeconds(30), clock, reading -> { });
    }

    private static CarpView backupWith(String vip7) {
        return new CarpView.Known(List.of(new BackupVip(vip7, "opt2", 7, "198.51.100.5", "WAN2 CARP")),
                List.of(new VipState("WAN2", 7, "198.51.100.5", "BACKUP")), Instant.EPOCH);
    }

    /** Whether some thread is waiting inside carpgate's CARP cache for a read's answer. */
    private static boolean aCallerWaitsForARead() {
        return Thread.getAllStackTraces().values().stream().anyMatch(frames -> java.util.Arrays.stream(frames)
                .anyMatch(f -> f.getClassName().equals(CarpCache.class.getName()) && f.getMethodName().equals("await")));
    }

    @Test
    void theNextRestoreIsDecidedOnTheVipsTheStoredOneLeft() throws Exception {
        Clock clock = new TickingClock(Instant.parse("2026-12-07T10:00:00Z"), Duration.ofMillis(1));
        // The backup's API: its own VIP for VHID 7 at once; the read after the store answers when the test says.
        List<CompletableFuture<CarpView>> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
        CarpCache carp = carp(reads, clock);
        PairMemory memory = PairMemory.inProcess("default", clock);
        // The admin's VHID map says wg0 follows VHID 7: carpgate points it at whatever VIP the backup has for 7.
        VhidMap map = GateTest.vhidMap(new VhidMapEntry("wg0-branches", 7, java.util.Optional.empty(),
                java.util.Optional.empty()));
        Gatekeeper gatekeeper = new Gatekeeper("default", map, carp, OnUnknownCarp.SUPPRESS, memory,
                Duration.ofSeconds(5), vips -> {
                    if (vips) {
                        memory.vipsReplaced(carp.mark()); // as the pair's runtime does
                    }
                    carp.reread(carp.mark());
                });

        // 1. VIP sync on: the restore carries the master's VIP for VHID 7, and wg0 on it.
        Gatekeeper.Decided first = gatekeeper.decide(c.restore(
                List.of(c.wgInstance(GateTest.WG0, "wg0-branches", GateTest.MASTER_VIP7)),
                List.of(c.vip(GateTest.MASTER_VIP7, "opt2", "7"))));
        assertThat(first.verdict()).isInstanceOf(Verdict.Forward.class);
        first.pending().settle(new BackupOutcome.Stored());
        assertThat(reads).as("the store starts a read of the backup's VIPs").hasSize(2);

        // 2. Moments later, while that read is on its way and the reading from before is still fresh: wg0 alone, on
        //    the master's VIP. On the reading from before, carpgate would point it at the VIP the first one replaced.
        ExecutorService master = Executors.newSingleThreadExecutor();
        try {
            Future<Verdict> deciding = master.submit(() -> gatekeeper.decide(c.restore(
                    List.of(c.wgInstance(GateTest.WG0, "wg0-branches", GateTest.MASTER_VIP7)), List.of())).verdict());
            Awaitility.await("the restore is decided, or waits for the read").atMost(Duration.ofSeconds(30))
                    .until(() -> deciding.isDone() || aCallerWaitsForARead());
            reads.get(1).complete(backupWith(GateTest.MASTER_VIP7));
            Verdict second = deciding.get(30, TimeUnit.SECONDS);

            List<String> pointedAt = second instanceof Verdict.Rewrite rewrite
                    ? rewrite.changes().stream().map(BodyPatcher.Replacement::newText).toList() : List.of();
            assertThat(pointedAt).as("the backup's VIP for VHID 7 is the master's now; " + second.calls())
                    .doesNotContain(GateTest.BACKUP_VIP7);
            assertThat(second).as("wg0 already names the backup's VIP for VHID 7: nothing to rewrite; "
                    + second.calls()).isInstanceOf(Verdict.Forward.class);
            assertThat(reads).as("no read beyond the one the store started").hasSize(2);
        } finally {
            master.shutdownNow();
        }
    }
    @Test
    void aRestoreWithoutVipsLeavesTheReadingAsItWasAndTheNextRestoreDoesNotWait() {
        Clock clock = new TickingClock(Instant.parse("2026-12-07T10:00:00Z"), Duration.ofMillis(1));
        List<CompletableFuture<CarpView>> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
        CarpCache carp = carp(reads, clock);
        VhidMap map = GateTest.vhidMap(new VhidMapEntry("wg0-branches", 7, java.util.Optional.empty(),
                java.util.Optional.empty()));
        PairMemory memory = PairMemory.inProcess("default", clock);
        Gatekeeper gatekeeper = new Gatekeeper("default", map, carp, OnUnknownCarp.SUPPRESS, memory,
                Duration.ofSeconds(5), vips -> {
                    if (vips) {
                        memory.vipsReplaced(carp.mark());
                    }
                    carp.reread(carp.mark());
                });
        // VIP sync off: the restores carry no VIPs, so the backup's stay as they are.
        java.util.function.Supplier<io.carpgate.xmlrpc.MethodCall> restore = () -> c.restore(
                List.of(c.wgInstance(GateTest.WG0, "wg0-branches", GateTest.MASTER_VIP7)), List.of());
        gatekeeper.decide(restore.get()).pending().settle(new BackupOutcome.Stored());
        assertThat(reads).as("the status page's read after a store").hasSize(2);

        Verdict next = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> gatekeeper.decide(restore.get()).verdict(), "a restore after one without VIPs waits for nothing");
        assertThat(next).isInstanceOfSatisfying(Verdict.Rewrite.class, rewrite -> assertThat(rewrite.changes())
                .extracting(BodyPatcher.Replacement::newText).containsExactly(GateTest.BACKUP_VIP7));
    }
}
