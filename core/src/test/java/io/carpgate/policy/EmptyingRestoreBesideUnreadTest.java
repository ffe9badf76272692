package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.CallOrder;
import io.carpgate.memory.PairMemory;
import io.carpgate.memory.PendingCall;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Observe mode: a restore that empties the WireGuard section (it teaches nothing, it replaces the kind) is on its way
 * when a body carpgate did not read (it may carry wg0 again) goes beside it. Which the backup applied last is unknown,
 * so the restore must learn nothing from its own answer. The overlap guard was skipped when nothing was taught, and
 * an emptying restore teaches nothing but still replaces: wg0 was forgotten. Now it is in doubt.
 */
class EmptyingRestoreBesideUnreadTest {
    private static final CarpItem WG0 = new CarpItem(ItemKind.WIREGUARD, GateTest.WG0, "wg0-branches", true,
            Optional.of(7), Optional.of("opt2"), Optional.of(GateTest.MASTER_VIP7), "VHID 7", Optional.empty());

    @Test
    void anEmptyingRestoreBesideAnUnreadCallForgetsNothing() throws Exception {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        memory.stored(List.of(WG0));
        CallOrder.Ticket turn = memory.order().admit(CallOrder.Role.CHANGES, Duration.ofSeconds(5));
        memory.sending(turn, List.of());
        PendingCall emptying = PendingCall.restoring(memory, turn, List.of(), Set.of(ItemKind.WIREGUARD),
                Optional.empty(), () -> { });
        PendingCall unread = new Gatekeeper("default", VhidMap.none(), io.carpgate.testkit.FixedCarp.unavailable(),
                OnUnknownCarp.SUPPRESS, memory, Duration.ofSeconds(5), vips -> { })
                .sentUnjudged(Optional.empty(), "observe mode sent an unreadable body");

        unread.settle(new BackupOutcome.Stored());
        emptying.settle(new BackupOutcome.Stored());

        assertThat(memory.book().find(ItemKind.WIREGUARD, GateTest.WG0))
                .as("the unread body may have been applied last and left wg0 there: in doubt, not forgotten")
                .isPresent();
    }
}
