package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PairMemories;
import io.carpgate.memory.PairMemory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An item whose restore may or may not have been stored (its answer lost, or carpgate killed before it) is
 * in doubt; the reason a start of it gets (decision log, master's answer, status page hover) must not claim that a
 * restore was stored.
 */
class InDoubtReasonTest {
    private static final String URL = "https://192.0.2.2";
    private static final String WG0 = GateTest.WG0;
    private static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    private static final String MASTER_VIP2 = "77777777-2222-4333-8444-555555555555";

    @TempDir
    Path dir;

    private final Calls c = new Calls();

    /** The backup as in RestoreCutOffByACrashTest: MASTER for VHID 7, BACKUP for VHID 2. */
    private static Gatekeeper gatekeeper(PairMemory memory) {
        return RestoreCutOffByACrashTest.gatekeeper(memory);
    }

    @Test
    void aRestoreWhoseAnswerWasLostIsNotCalledStored() {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        Gatekeeper.Decided restore = gatekeeper(memory).decide(c.restore(List.of(c.wgInstance(WG0, "wg0-branches",
                MASTER_VIP7)), List.of(c.vip(MASTER_VIP7, "opt2", "7"))));
        restore.pending().settle(new BackupOutcome.Unknown("timed out after 60 s after the request was sent"));

        Verdict restart = gatekeeper(memory).decide(c.service("opnsense.restart_service", "wireguard", WG0)).verdict();
        CallOutcome outcome = restart.calls().get(0);
        assertThat(outcome.action()).isEqualTo(Action.SUPPRESSED);
        assertThat(outcome.reason())
                .as("the restore may not have been stored; the reason must not say it was")
                .doesNotContain("restore stored");
    }

    @Test
    void aRestoreCutOffByACrashIsNotCalledStoredAfterTheRestart() {
        PairMemory before = new PairMemories(Optional.of(dir), Clock.systemUTC()).of("default", URL);
        gatekeeper(before).decide(c.restore(List.of(c.wgInstance(WG0, "wg0-branches", MASTER_VIP7)),
                List.of(c.vip(MASTER_VIP7, "opt2", "7")))).pending().settle(new BackupOutcome.Stored());
        // The next restore moves wg0 to VHID 2 and carpgate is killed while it is with the backup.
        gatekeeper(before).decide(c.restore(List.of(c.wgInstance(WG0, "wg0-branches", MASTER_VIP2)),
                List.of(c.vip(MASTER_VIP2, "lan", "2"))));

        PairMemory after = new PairMemories(Optional.of(dir), Clock.systemUTC()).of("default", URL);
        CallOutcome outcome = gatekeeper(after).decide(c.service("opnsense.restart_service", "wireguard", WG0))
                .verdict().calls().get(0);
        assertThat(outcome.reason()).contains("had not been answered");
        assertThat(outcome.reason())
                .as("a restore that 'had not been answered' was not 'stored'")
                .doesNotContain("restore stored");
    }

    @Test
    void theStatusPageDoesNotCallARestoreInDoubtStored() {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        gatekeeper(memory).decide(c.restore(List.of(c.wgInstance(WG0, "wg0-branches", MASTER_VIP7)),
                List.of(c.vip(MASTER_VIP7, "opt2", "7")))).pending()
                .settle(new BackupOutcome.Unknown("connection reset by the backup after the request was sent"));
        io.carpgate.observe.PairStatus status = io.carpgate.observe.PairStatus.of("default", "/",
                java.net.URI.create(URL), Optional.empty(), Instant.now(), List.of(), memory.book().all(), "suppress",
                Optional.empty(), new io.carpgate.observe.PairStatus.Watch(false, List.of(), Optional.empty(),
                        Optional.empty()));
        assertThat(status.instances()).singleElement().satisfies(row -> assertThat(row.basis())
                .as("'Known from' on hover").doesNotContain("restore stored"));
    }
}
