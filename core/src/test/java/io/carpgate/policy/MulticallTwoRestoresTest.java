package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A system.multicall with two restores: the backup stores the first (here, VIPs with the master's uuids, replacing the
 * backup's) before it reads the second, whose items the gate would point at the backup's VIPs as they were before the
 * multicall, which the first one removed. A master sends one restore per sync: carpgate rejects such a multicall.
 */
class MulticallTwoRestoresTest {
    private final Calls c = new Calls();

    @Test
    void aRestoreLaterInTheMulticallIsNotPointedAtAVipAnEarlierOneRemoves() {
        var vips = c.struct("virtualip", c.struct("vip", c.vip(GateTest.MASTER_VIP7, "opt2", "7")));
        var server = c.struct("servers", c.struct("server",
                c.wgInstance(GateTest.WG0, "wg0-branches", GateTest.MASTER_VIP7)));
        var wg = c.struct("general", c.struct("enabled", "1"), "server", server);
        var wireguard = c.struct("OPNsense", c.struct("wireguard", wg));
        var multicall = c.call("system.multicall", c.array(
                c.struct("methodName", "opnsense.restore_config_section", "params", c.array(vips)),
                c.struct("methodName", "opnsense.restore_config_section", "params", c.array(wireguard))));
        GateInputs in = new GateInputs(GateTest.vhidMap(new VhidMapEntry("wg0-branches", 7, Optional.empty(),
                Optional.empty())), ItemBook.empty(), GateTest.view("BACKUP", "BACKUP"), OnUnknownCarp.SUPPRESS);

        Verdict verdict = Gate.decide(multicall, in);
        assertThat(verdict).isInstanceOfSatisfying(Verdict.Reject.class, reject -> {
            assertThat(reject.message()).contains("more than one opnsense.restore_config_section");
            assertThat(reject.calls()).extracting(CallOutcome::action).containsOnly(Action.REJECTED);
        });
        assertThat(verdict.learned()).as("nothing to learn from a call the backup never sees").isEmpty();
    }
}
