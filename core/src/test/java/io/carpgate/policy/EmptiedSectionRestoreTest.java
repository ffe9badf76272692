package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The admin deletes the last WireGuard instance (wg0) and the CARP VIP it followed on the master, then syncs
 * (System > High Availability: VIPs and WireGuard ticked). The restore carries OPNsense.wireguard with
 * {@code server.servers = ''} (an empty ArrayField) and virtualip without the VIP. On the backup,
 * merge_config_attributes (legacy.inc) sets servers to '' — wg0 is deleted there — and the VIP is dropped: nothing is
 * left following a missing VIP. carpgate counted the section as "not carried" (no items in it), found wg0 in its book
 * "stored so" following the dropped VIP, and rejected the restore; the book never learned wg0 was gone, so every later
 * sync of the same sections was rejected too. Now an emptied section counts as carried, and once stored its old items
 * are forgotten.
 */
class EmptiedSectionRestoreTest {
    private final Calls c = new Calls();

    private static CarpItem wg0Stored() {
        return new CarpItem(ItemKind.WIREGUARD, GateTest.WG0, "wg0-branches", true, Optional.of(7), Optional.of("opt2"),
                Optional.of(GateTest.BACKUP_VIP7), "VHID 7 of the VIP in the restore",
                Optional.of(Instant.parse("2026-08-01T00:00:00Z")));
    }

    @Test
    void aRestoreThatEmptiesTheWireguardSectionAndDropsItsVipIsNotRejected() {
        GateInputs in = GateTest.inputs(GateTest.book(wg0Stored()), GateTest.view("BACKUP", "BACKUP"));
        XmlRpcValue.Struct wireguard = c.struct("general", c.struct("enabled", "0"),
                "server", c.struct("servers", ""));
        XmlRpcValue.Struct sections = c.struct("OPNsense", c.struct("wireguard", wireguard),
                "virtualip", c.struct("vip", c.array(c.vip(GateTest.BACKUP_VIP2, "lan", "2"))));
        MethodCall restore = c.call("opnsense.restore_config_section", sections);

        Verdict verdict = Gate.decide(restore, in);

        assertThat(verdict)
                .as("the restore replaces the backup's WireGuard servers with none: wg0 is deleted with its VIP, so "
                        + "nothing dangles; reason: " + verdict.calls().get(0).reason())
                .isNotInstanceOf(Verdict.Reject.class);
    }

    @Test
    void aSectionWithoutItsListLeavesTheBackupsItemsAndIsNotCarried() {
        // server without servers: merge_config_attributes leaves the backup's list as it is.
        XmlRpcValue.Struct sections = c.struct("OPNsense", c.struct("wireguard", c.struct("general",
                c.struct("enabled", "1"), "server", c.struct())));
        assertThat(ItemKind.WIREGUARD.carriedIn(sections)).isFalse();
        assertThat(ItemKind.WIREGUARD.carriedIn(c.struct("OPNsense", c.struct("wireguard",
                c.struct("server", c.struct("servers", "")))))).as("emptied").isTrue();
        assertThat(ItemKind.OPENVPN.carriedIn(sections)).isFalse();
        // servers is a list on both nodes (listtags()): an array there replaces the backup's; Instances is not one.
        assertThat(ItemKind.WIREGUARD.carriedIn(c.struct("OPNsense", c.struct("wireguard",
                c.struct("server", c.struct("servers", c.array())))))).isTrue();
        assertThat(ItemKind.OPENVPN.carriedIn(c.struct("OPNsense", c.struct("OpenVPN",
                c.struct("Instances", c.array()))))).as("an array merged into the backup's struct").isFalse();
        assertThat(ItemKind.OPENVPN.carriedIn(c.struct("OPNsense", c.struct("OpenVPN",
                c.struct("Instances", ""))))).as("emptied").isTrue();
        assertThat(ItemKind.DHCRELAY.carriedIn(c.struct("OPNsense", c.struct("DHCRelay", c.struct("relays", "")))))
                .isTrue();
    }

    @Test
    void onceStoredTheBookForgetsWhatAnEmptiedSectionNoLongerLists() {
        io.carpgate.memory.PairMemory memory = io.carpgate.memory.PairMemory.inProcess("default",
                java.time.Clock.systemUTC());
        memory.stored(java.util.List.of(wg0Stored()));
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(),
                new io.carpgate.testkit.FixedCarp(GateTest.view("BACKUP", "BACKUP")), OnUnknownCarp.SUPPRESS, memory,
                java.time.Duration.ofSeconds(5), vips -> { });
        XmlRpcValue.Struct sections = c.struct("OPNsense", c.struct("wireguard",
                c.struct("server", c.struct("servers", ""))),
                "virtualip", c.struct("vip", c.array(c.vip(GateTest.BACKUP_VIP2, "lan", "2"))));
        Gatekeeper.Decided decided = gatekeeper.decide(c.call("opnsense.restore_config_section", sections));
        assertThat(decided.verdict()).isNotInstanceOf(Verdict.Reject.class);
        assertThat(decided.pending().wantsAnswer()).as("its answer says whether wg0 is gone").isTrue();
        decided.pending().settle(new io.carpgate.memory.BackupOutcome.Stored());
        assertThat(memory.book().all()).as("wg0 is gone from the backup").isEmpty();
        assertThat(Gate.decide(c.call("opnsense.restore_config_section", sections),
                GateTest.inputs(memory.book(), GateTest.view("BACKUP", "BACKUP")))).as("the next sync of the same")
                .isNotInstanceOf(Verdict.Reject.class);
    }
}
