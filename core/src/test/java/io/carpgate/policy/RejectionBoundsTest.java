package io.carpgate.policy;

import static io.carpgate.policy.GateTest.BACKUP_VIP2;
import static io.carpgate.policy.GateTest.BACKUP_VIP7;
import static io.carpgate.policy.GateTest.MASTER_VIP7;
import static io.carpgate.policy.GateTest.WG0;
import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where the rule that rejects a restore leaving an item following no VIP must not reach, or must reach further. */
class RejectionBoundsTest {
    private static final String CLIENT = "c0ffee00-0000-4000-8000-00000000c11e";
    private static final String MASTER_VIP7_V6 = "66666666-0000-4000-8000-000000000007";
    private final Calls c = new Calls();

    private static CarpView backupWithoutMasterUuids() {
        return new CarpView.Known(
                List.of(new BackupVip(BACKUP_VIP7, "opt2", 7, "198.51.100.5", "WAN2 CARP"),
                        new BackupVip(BACKUP_VIP2, "lan", 2, "192.168.1.1", "LAN CARP")),
                List.of(new VipState("WAN2", 7, "198.51.100.5", "BACKUP"), new VipState("LAN", 2, "192.168.1.1", "BACKUP")),
                Instant.EPOCH);
    }

    /**
     * FALSE REJECTION. VIP sync off, the enabled instances mapped; a spare instance, disabled (enabled=0), still names the
     * master's VIP. wg-service-control.php skips it ("if (empty((string)$node->enabled)) continue;"), as does
     * ovpn_service_control.php: the backup never brings it up, dangling or not. The whole sync is blocked for it.
     */
    @Test
    void aDisabledInstanceWithAForeignDependencyDoesNotBlockTheSync() {
        XmlRpcValue.Struct spare = c.struct("@attributes", c.struct("uuid", WG0), "enabled", "0", "name", "wg-spare",
                "carp_depend_on", MASTER_VIP7);
        GateInputs in = new GateInputs(VhidMap.none(), ItemBook.empty(), backupWithoutMasterUuids(), OnUnknownCarp.SUPPRESS);
        Verdict verdict = Gate.decide(c.restore(List.of(spare), List.of()), in);
        assertThat(verdict).as(verdict.calls().get(0).reason()).isInstanceOf(Verdict.Forward.class);
        assertThat(verdict.calls().get(0).reason()).contains("WARNING", "(disabled)", "left as sent");
    }

    /**
     * DANGLING FORWARDED. VIP sync on (the master's VIP for VHID 7 arrives, wg0 follows it: correct as sent), an old map
     * entry still names backup-vip (the backup's own VIP from when VIP sync was off), the backup API down. carpgate
     * rewrites wg0 to BACKUP_VIP7, which this very restore drops (not in it; carpgate cannot know it is nosync):
     * stored dangling. With the API up the same restore is rejected; with it down it is sent.
     */
    @Test
    void aMapBackupVipTheRestoreReplacesIsNotWrittenWhileTheApiIsDown() {
        GateInputs in = new GateInputs(
                VhidMap.of(List.of(new VhidMapEntry(WG0, 7, Optional.of("opt2"), Optional.of(BACKUP_VIP7)))),
                ItemBook.empty(), new CarpView.Unavailable("backup API at https://backup did not answer within 2000 ms"),
                OnUnknownCarp.SUPPRESS);
        Verdict verdict = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)),
                List.of(c.vip(MASTER_VIP7, "opt2", "7"))), in);
        boolean writesDroppedVip = verdict instanceof Verdict.Rewrite rw
                && rw.changes().stream().map(BodyPatcher.Replacement::newText).anyMatch(BACKUP_VIP7::equals);
        assertThat(writesDroppedVip).as(verdict.calls().get(0).reason()).isFalse();
        // As sent, wg0 follows the master's VIP 7, which arrives in the restore: it goes on so, with a WARNING.
        assertThat(verdict).isInstanceOf(Verdict.Forward.class);
        assertThat(verdict.calls().get(0).reason()).contains("WARNING", "backup-vip " + BACKUP_VIP7,
                "left as sent, following VIP " + MASTER_VIP7);
    }

    /**
     * WRONG TARGET (IPv4 + IPv6 VIP sharing VHID 7 on opt2). ovpn_service_control.php get_vhid_status() keeps one uuid
     * per VHID ("$uuids[(string)$item->vhid] = $id": the last CARP VIP in config order); every other VIP of that VHID
     * stays 'DISABLED', so a client following it is carp_down forever, also on MASTER. The master's client follows the
     * last one (the one that works there, and the backup gets the same order); carpgate rewrites it to the first.
     */
    @Test
    void anOpenVpnClientFollowingTheSecondVipOfAVhidIsNotMovedToTheFirst() {
        XmlRpcValue.Struct client = c.struct("@attributes", c.struct("uuid", CLIENT), "enabled", "1", "role", "client",
                "vpnid", "1", "description", "branch-client", "carp_depend_on", MASTER_VIP7_V6);
        MethodCall call = c.call("opnsense.restore_config_section", c.struct(
                "OPNsense", c.struct("OpenVPN", c.struct("Instances", c.struct("Instance", client))),
                "virtualip", c.struct("vip", c.array(c.vip(MASTER_VIP7, "opt2", "7"), c.vip(MASTER_VIP7_V6, "opt2", "7")))));
        Verdict verdict = Gate.decide(call, GateTest.inputs(ItemBook.empty(), backupWithoutMasterUuids()));
        assertThat(verdict).as(verdict.calls().get(0).reason()).isInstanceOf(Verdict.Forward.class);
        assertThat(verdict.learned()).singleElement().satisfies(item -> assertThat(item.vip()).contains(MASTER_VIP7_V6));
    }

    /**
     * FALSE REJECTION. VIP sync on; wg0 in the VHID map by the interface's description (WAN2, which the map accepts and
     * CarpView resolves), its dependency on the master empty. The restore carries the VIP for VHID 7 on opt2 (= WAN2):
     * with iface "opt2" carpgate points wg0 at it; with "WAN2" PayloadVip.on (internal name only) misses it and the
     * restore is rejected ("it names no VIP").
     */
    @Test
    void aMapEntryNamingTheInterfaceByDescriptionFindsTheArrivingVip() {
        GateInputs in = new GateInputs(
                VhidMap.of(List.of(new VhidMapEntry(WG0, 7, Optional.of("WAN2"), Optional.empty()))),
                ItemBook.empty(), backupWithoutMasterUuids(), OnUnknownCarp.SUPPRESS);
        Verdict verdict = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", "")),
                List.of(c.vip(MASTER_VIP7, "opt2", "7"))), in);
        assertThat(verdict).as(verdict.calls().get(0).reason()).isInstanceOf(Verdict.Rewrite.class);
    }

    /** A VHID number on two interfaces of the backup: valid, but the backup's scripts read its state by the number. */
    @Test
    void aVhidOnTwoInterfacesOfTheBackupIsSaid() {
        CarpView twoSevens = new CarpView.Known(
                List.of(new BackupVip(BACKUP_VIP7, "opt2", 7, "198.51.100.5", "WAN2 CARP"),
                        new BackupVip(BACKUP_VIP2, "lan", 7, "192.168.1.1", "LAN CARP")),
                List.of(new VipState("WAN2", 7, "198.51.100.5", "BACKUP"), new VipState("LAN", 7, "192.168.1.1", "BACKUP")),
                Instant.EPOCH);
        Verdict verdict = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)),
                List.of(c.vip(MASTER_VIP7, "opt2", "7"))), GateTest.inputs(ItemBook.empty(), twoSevens));
        assertThat(verdict).isNotInstanceOf(Verdict.Reject.class);
        assertThat(verdict.calls().get(0).reason()).contains("WARNING VHID 7 is on 2 interfaces of the backup (lan, opt2)",
                "give each CARP VIP its own VHID");
        Verdict single = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)),
                List.of(c.vip(MASTER_VIP7, "opt2", "7"))), GateTest.inputs(ItemBook.empty(), backupWithoutMasterUuids()));
        assertThat(single.calls().get(0).reason()).doesNotContain("WARNING");
    }
}
