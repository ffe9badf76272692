package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpSource;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PairMemories;
import io.carpgate.memory.PairMemory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * carpgate dies (killed, out of memory, power lost) while a restore that moves an item to another VHID is with the
 * backup, which stores it. After the restart, a start of that item must not be decided on the VHID it had before.
 */
class RestoreCutOffByACrashTest {
    private static final String URL = "https://192.0.2.2";
    private static final String WG0 = GateTest.WG0;
    private static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    private static final String MASTER_VIP2 = "77777777-2222-4333-8444-555555555555";

    @TempDir
    Path dir;

    private final Calls c = new Calls();

    /** The backup: MASTER for VHID 7 (opt2), BACKUP for VHID 2 (lan). */
    static final CarpSource CARP = new io.carpgate.testkit.FixedCarp(new CarpView.Known(
                    List.of(new BackupVip(MASTER_VIP7, "opt2", 7, "198.51.100.5", "WAN2 CARP"),
                            new BackupVip(MASTER_VIP2, "lan", 2, "192.168.1.1", "LAN CARP")),
                    List.of(new VipState("WAN2", 7, "198.51.100.5", "MASTER"),
                            new VipState("LAN", 2, "192.168.1.1", "BACKUP")),
                    Instant.EPOCH));

    static Gatekeeper gatekeeper(PairMemory memory) {
        return new Gatekeeper("default", VhidMap.none(), CARP, OnUnknownCarp.SUPPRESS, memory, Duration.ofSeconds(5),
                vips -> { });
    }

    @Test
    void aRestoreCutOffByACrashIsNotTakenAsNeverSentAfterTheRestart() {
        PairMemory before = new PairMemories(Optional.of(dir), Clock.systemUTC()).of("default", URL);
        // A sync the backup stored: wg0 follows VHID 7.
        Gatekeeper.Decided first = gatekeeper(before).decide(c.restore(List.of(c.wgInstance(WG0, "wg0-branches",
                MASTER_VIP7)), List.of(c.vip(MASTER_VIP7, "opt2", "7"))));
        first.pending().settle(new BackupOutcome.Stored());

        // The admin moves wg0 to VHID 2 on the master; the next sync's restore goes to the backup...
        Gatekeeper.Decided second = gatekeeper(before).decide(c.restore(List.of(c.wgInstance(WG0, "wg0-branches",
                MASTER_VIP2)), List.of(c.vip(MASTER_VIP2, "lan", "2"))));
        assertThat(second.verdict()).isNotInstanceOf(Verdict.Reject.class);
        // ... the backup stores it, and carpgate is killed before the answer is read: nothing settles it.

        PairMemory after = new PairMemories(Optional.of(dir), Clock.systemUTC()).of("default", URL);
        Verdict restart = gatekeeper(after).decide(c.service("opnsense.restart_service", "wireguard", WG0)).verdict();
        assertThat(restart)
                .as("the backup may hold wg0 on VHID 2 (BACKUP there): a restart decided on VHID 7 must not pass; "
                        + "decided: " + restart.calls())
                .isNotInstanceOf(Verdict.Forward.class);
    }
}
