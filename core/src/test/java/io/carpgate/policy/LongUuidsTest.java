package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.BackupOutcome;
import io.carpgate.memory.PairMemory;
import io.carpgate.testkit.FixedCarp;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What finds an item is its whole uuid, however long: a book that kept it cut would not find what the backup stored
 * when a start names it, and two items whose uuids begin alike would be one (one of them lost to the gate).
 */
class LongUuidsTest {
    private final Calls c = new Calls();
    private static final String PREFIX = "3d2c1b0a-" + "9".repeat(1100);

    private Gatekeeper gatekeeper(PairMemory memory, OnUnknownCarp onUnknown) {
        return new Gatekeeper("default", VhidMap.none(), new FixedCarp(GateTest.view("BACKUP", "BACKUP")),
                onUnknown, memory, Duration.ofSeconds(5), vips -> { });
    }

    /** A WireGuard instance known to follow VHID 7 (BACKUP): with on-unknown-carp forward its start now reaches it. */
    @Test
    void aKnownInstanceOnABackupIsSuppressedWhateverOnUnknownCarpSays() {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        Gatekeeper gatekeeper = gatekeeper(memory, OnUnknownCarp.FORWARD);
        String uuid = PREFIX + "-a";
        gatekeeper.decide(c.restore(List.of(c.wgInstance(uuid, "wg0", GateTest.MASTER_VIP7)),
                List.of(c.vip(GateTest.MASTER_VIP7, "opt2", "7")))).pending().settle(new BackupOutcome.Stored());

        Gatekeeper.Decided start = gatekeeper.decide(c.service("opnsense.restart_service", "wireguard", uuid));
        start.pending().settle(new BackupOutcome.Stored());
        assertThat(start.verdict()).as("restart of an instance carpgate learned on VHID 7 (BACKUP): %s",
                start.verdict().calls().get(0).reason()).isInstanceOf(Verdict.Suppress.class);
    }

    private XmlRpcValue.Struct openvpn(String uuid, String role, String dependOn) {
        return c.struct("@attributes", c.struct("uuid", uuid), "enabled", "1", "description", "vpn-" + role,
                "role", role, "vpnid", "1", "carp_depend_on", dependOn);
    }

    /**
     * A server and a client (its VIP unknown: VHID unknown) in one restore; their uuids differ after 1023 chars.
     * The client is dropped from what is learned, so a restart with no id (the backup's first openvpn) passes.
     */
    @Test
    void aClientBesideAServerWithTheSameFirst1023CharsIsNotForgotten() {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        Gatekeeper gatekeeper = gatekeeper(memory, OnUnknownCarp.SUPPRESS);
        MethodCall restore = c.call("opnsense.restore_config_section", c.struct(
                "OPNsense", c.struct("OpenVPN", c.struct("Instances", c.struct("Instance", c.array(
                        openvpn(PREFIX + "-server", "server", ""),
                        openvpn(PREFIX + "-client", "client", GateTest.BACKUP_VIP7)))))));
        gatekeeper.decide(restore).pending().settle(new BackupOutcome.Stored());

        Gatekeeper.Decided start = gatekeeper.decide(c.service("opnsense.restart_service", "openvpn", ""));
        start.pending().settle(new BackupOutcome.Stored());
        assertThat(start.verdict()).as("restart of the backup's first openvpn instance, a client among them: %s",
                start.verdict().calls().get(0).reason()).isInstanceOf(Verdict.Suppress.class);
        assertThat(memory.book().size()).as("items learned").isEqualTo(2);
    }
}
