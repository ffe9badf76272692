package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PairMemory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * a restore carrying VIPs whose answer is lost (Unknown: the backup may have stored it and replaced its VIPs)
 * never tells the pair (RestoreStored), so the pair never notes that its VIPs may have changed and the next restore is decided on
 * the cached reading from before it, though its items are marked in doubt as "may have been stored".
 */
class UnknownRestoreVipsTest {
    private final Calls c = new Calls();

    @Test
    void aRestoreWithVipsWhoseAnswerIsLostCountsAsMayHaveReplacedThem() {
        List<Boolean> told = new CopyOnWriteArrayList<>();
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(), new io.carpgate.testkit.FixedCarp(GateTest.view("MASTER", "MASTER")), OnUnknownCarp.SUPPRESS, PairMemory.inProcess("default", Clock.systemUTC()), Duration.ofSeconds(5), told::add);
        Gatekeeper.Decided decided = gatekeeper.decide(c.restore(
                List.of(c.wgInstance(GateTest.WG0, "wg0-branches", GateTest.MASTER_VIP7)),
                List.of(c.vip(GateTest.MASTER_VIP7, "opt2", "7"))));
        assertThat(decided.verdict()).isNotInstanceOf(Verdict.Reject.class);
        decided.pending().settle(new BackupOutcome.Unknown("the answer was lost"));
        assertThat(told).as("the backup may have replaced its VIPs").containsExactly(true);
    }

    /** The same with a restore of VIPs only (no item with a CARP dependency in it: nothing taught). */
    @Test
    void aVipsOnlyRestoreWhoseAnswerIsLostCountsAsMayHaveReplacedThem() {
        List<Boolean> told = new CopyOnWriteArrayList<>();
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(), new io.carpgate.testkit.FixedCarp(GateTest.view("MASTER", "MASTER")), OnUnknownCarp.SUPPRESS, PairMemory.inProcess("default", Clock.systemUTC()), Duration.ofSeconds(5), told::add);
        Gatekeeper.Decided decided = gatekeeper.decide(c.restore(List.of(),
                List.of(c.vip(GateTest.MASTER_VIP7, "opt2", "7"))));
        assertThat(decided.verdict()).isNotInstanceOf(Verdict.Reject.class);
        assertThat(Gate.replacesVips(c.restore(List.of(), List.of(c.vip(GateTest.MASTER_VIP7, "opt2", "7"))))).isTrue();
        // Settling: wantsAnswer() is false (nothing taught), so a lost connection after the whole call was sent
        // settles Unknown (Settling.failed(true, ..) / the completion listener).
        decided.pending().settle(new BackupOutcome.Unknown("the answer was lost"));
        assertThat(told).as("the backup may have replaced its VIPs").containsExactly(true);
    }
}
