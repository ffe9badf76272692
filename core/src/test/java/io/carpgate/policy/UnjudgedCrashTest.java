package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.PairMemories;
import io.carpgate.memory.PairMemory;
import io.carpgate.xmlrpc.MethodCall;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * observe mode sends on a multicall holding a restore that enforce mode would reject (sentUnjudged). Nothing
 * reaches the disk before it goes: carpgate killed while the backup stores it restarts with wg0 known on VHID 7,
 * and enforce mode (reload or restart) then decides wg0's starts on it; the same hole fix 1 closed for judged restores.
 */
class UnjudgedCrashTest {
    private static final String URL = "https://192.0.2.2";
    private final Calls c = new Calls();

    @TempDir
    Path dir;

    @Test
    void anUnjudgedRestoreOnItsWayIsInDoubtOnTheDisk() {
        PairMemory memory = new PairMemories(Optional.of(dir), Clock.systemUTC()).of("default", URL);
        memory.stored(List.of(new CarpItem(ItemKind.WIREGUARD, GateTest.WG0, "wg0-branches", true, Optional.of(7),
                Optional.of("opt2"), Optional.of(GateTest.MASTER_VIP7), "VHID 7", Optional.empty())));
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(), io.carpgate.testkit.FixedCarp.unavailable(), OnUnknownCarp.SUPPRESS, memory, Duration.ofSeconds(5), vips -> { });
        MethodCall multicall = c.call("system.multicall", c.array(
                c.struct("methodName", "opnsense.restore_config_section", "params", c.array(c.struct("x", "1"))),
                c.struct("methodName", "opnsense.restart_service", "params",
                        c.array(c.struct("service", "wireguard", "id", GateTest.WG0)))));

        gatekeeper.sentUnjudged(Optional.of(multicall), "observe mode sent it on"); // on its way; never settled

        PairMemories.Remembered restarted = PairMemories.look(dir, "default", URL);
        CarpItem wg0 = ((PairMemories.Remembered.Items) restarted).book().find(ItemKind.WIREGUARD, GateTest.WG0)
                .orElseThrow();
        assertThat(wg0.vhid()).as("what a restart after a crash loads while the backup stores it").isEmpty();
    }
}
