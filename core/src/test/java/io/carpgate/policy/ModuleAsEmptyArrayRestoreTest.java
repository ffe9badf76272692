package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PairMemory;
import io.carpgate.testkit.FixedCarp;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A master whose config has no OPNsense.wireguard (a rebuilt master, WireGuard ticked in its sync list) sends the
 * section as rc.filter_synchronize's copy_conf_section makes it for a missing one: {@code array()}, which IXR writes as
 * an empty {@code <array>}. On the backup merge_config_attributes sees a list whose destination is an associative
 * container (general, server, client): no reset, nothing merged, so the backup keeps wg0. carriedIn took the array
 * for "the backup replaces what it holds there": the restore that drops wg0's VIP was not rejected, and the book
 * forgot wg0, which the backup still runs. An array replaces only where the backup holds a list too.
 */
class ModuleAsEmptyArrayRestoreTest {
    private final Calls c = new Calls();

    private static CarpItem wg0Stored() {
        return new CarpItem(ItemKind.WIREGUARD, GateTest.WG0, "wg0-branches", true, Optional.of(7), Optional.of("opt2"),
                Optional.of(GateTest.BACKUP_VIP7), "VHID 7 of the VIP in the restore",
                Optional.of(Instant.parse("2026-08-01T00:00:00Z")));
    }

    private XmlRpcValue.Struct sections() {
        return c.struct("OPNsense", c.struct("wireguard", c.array()),
                "virtualip", c.struct("vip", c.array(c.vip(GateTest.BACKUP_VIP2, "lan", "2"))));
    }

    @Test
    void anEmptyArrayInPlaceOfTheModuleDoesNotReplaceTheBackupsList() {
        assertThat(ItemKind.WIREGUARD.carriedIn(sections()))
                .as("merge_config_attributes merges an empty list into the backup's wireguard struct: nothing reset")
                .isFalse();
    }

    @Test
    void aRestoreDroppingTheVipOfAnItemTheBackupKeepsIsStillRejected() {
        GateInputs in = GateTest.inputs(GateTest.book(wg0Stored()), GateTest.view("BACKUP", "BACKUP"));
        Verdict verdict = Gate.decide(c.call("opnsense.restore_config_section", sections()), in);
        assertThat(verdict).as("wg0 stays on the backup following VIP 7, which this restore drops; reason: "
                + verdict.calls().get(0).reason()).isInstanceOf(Verdict.Reject.class);
    }

    @Test
    void theBookKeepsWhatTheBackupKeeps() {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        memory.stored(List.of(wg0Stored()));
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(),
                new FixedCarp(GateTest.view("BACKUP", "BACKUP")), OnUnknownCarp.SUPPRESS, memory,
                Duration.ofSeconds(5), vips -> { });
        // Without its VIPs (the VIP check aside), only the WireGuard section as copy_conf_section sends a missing one.
        Gatekeeper.Decided decided = gatekeeper.decide(c.call("opnsense.restore_config_section",
                c.struct("OPNsense", c.struct("wireguard", c.array()))));
        decided.pending().settle(new BackupOutcome.Stored());
        assertThat(memory.book().find(ItemKind.WIREGUARD, GateTest.WG0)).as("the backup still has wg0").isPresent();
    }
}
