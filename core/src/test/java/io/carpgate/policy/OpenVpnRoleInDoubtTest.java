package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PairMemory;
import io.carpgate.testkit.FixedCarp;
import io.carpgate.xmlrpc.MethodCall;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Whether an OpenVPN instance's starts are gated is taken from one side only when what the backup
 * holds of it is in doubt, and an instance the book calls a server passes even while a restore that may make it a
 * client is unsettled. The backup is CARP BACKUP for VHID 7 throughout; a client's start must never reach it.
 */
class OpenVpnRoleInDoubtTest {
    private final Calls c = new Calls();

    private MethodCall restore(String role) {
        return c.call("opnsense.restore_config_section", c.struct(
                "OPNsense", c.struct("OpenVPN", c.struct("Instances", c.struct("Instance", c.struct(
                        "@attributes", c.struct("uuid", ItemKindsGateTest.CLIENT), "enabled", "1", "description", "branch-client",
                        "role", role, "vpnid", "1", "carp_depend_on", GateTest.MASTER_VIP7)))),
                "virtualip", c.struct("vip", c.vip(GateTest.MASTER_VIP7, "opt2", "7"))));
    }

    private MethodCall restart() {
        return c.service("opnsense.restart_service", "openvpn", ItemKindsGateTest.CLIENT);
    }

    private Gatekeeper gatekeeper(PairMemory memory, Duration turnWait) {
        return new Gatekeeper("default", VhidMap.none(), new FixedCarp(GateTest.view("BACKUP", "BACKUP")),
                OnUnknownCarp.SUPPRESS, memory, turnWait, vips -> { });
    }

    /**
     * A client becomes a server on the master; the restore's answer is lost. The backup may still hold the client
     * (VHID 7, BACKUP here), yet the item in doubt is ungated (the new side's "server"), so its restart goes through.
     */
    @Test
    void aClientWhoseRestoreToServerWasLostIsStillGated() {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        Gatekeeper gatekeeper = gatekeeper(memory, Duration.ofSeconds(5));
        gatekeeper.decide(restore("client")).pending().settle(new BackupOutcome.Stored());
        assertThat(gatekeeper.decide(restart()).verdict()).as("a known client on a BACKUP").isInstanceOf(Verdict.Suppress.class);

        gatekeeper.decide(restore("server")).pending().settle(new BackupOutcome.Unknown("timed out after 60 s"));

        Gatekeeper.Decided start = gatekeeper.decide(restart());
        start.pending().settle(new BackupOutcome.Stored());
        assertThat(start.verdict()).as("restart while the backup may still hold it as a client: %s",
                start.verdict().calls().get(0).reason()).isInstanceOf(Verdict.Suppress.class);
    }

    /**
     * A server becomes a client; the restore is on its way longer than a start may wait. The start, out of turn, is
     * to be decided as unknown, but the book still says "server" and the start passes as not gated.
     */
    @Test
    void aStartOutOfTurnBesideARestoreThatMakesTheServerAClientIsNotForwarded() {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        Gatekeeper gatekeeper = gatekeeper(memory, Duration.ofMillis(100));
        gatekeeper.decide(restore("server")).pending().settle(new BackupOutcome.Stored());

        Gatekeeper.Decided toClient = gatekeeper.decide(restore("client")); // still with the backup
        Gatekeeper.Decided start = gatekeeper.decide(restart());
        try {
            assertThat(start.verdict()).as("start out of turn beside a restore that makes it a client: %s",
                    start.verdict().calls().get(0).reason()).isInstanceOf(Verdict.Suppress.class);
        } finally {
            start.pending().settle(new BackupOutcome.Stored());
            toClient.pending().settle(new BackupOutcome.Stored());
        }
    }

    /**
     * Observe mode sent a call carpgate did not read (it may hold any restore: the server may now be a client). The
     * docs: every item is in doubt, so enforce mode, once on, suppresses their starts until a restore is seen stored.
     */
    @Test
    void afterAnUnreadCallEveryStartIsSuppressedServersToo() {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        Gatekeeper gatekeeper = gatekeeper(memory, Duration.ofSeconds(5));
        gatekeeper.decide(restore("server")).pending().settle(new BackupOutcome.Stored());

        gatekeeper.sentUnjudged(Optional.empty(), "observe mode sent the backup a body carpgate could not read")
                .settle(new BackupOutcome.Stored());

        Gatekeeper.Decided start = gatekeeper.decide(restart());
        start.pending().settle(new BackupOutcome.Stored());
        assertThat(start.verdict()).as("restart after an unread call: %s", start.verdict().calls().get(0).reason())
                .isInstanceOf(Verdict.Suppress.class);
    }
}
