package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.CarpView;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * carpgate's model of the backup against OPNsense core (f95e815, 25.7.11, 26.1.11):
 * a stored carp_depend_on that names no local CARP VIP makes the backup's own CARP hooks bring the item up
 * while BACKUP (wg-service-control.php "configure": carp_if_flag stays 'up' unless $vhids[dep] is set;
 * rc.syshook.d/carp/20-wireguard runs it on every CARP event, rc.bootup via plugins_configure('vpn');
 * ovpn_service_control.php "configure" via 20-openvpn-instances starts a client whose dep is unknown).
 * So forwarding a restore that stores such a uuid is the black hole, whether or not a start follows.
 */
class DanglingDependencyTest {
    static final String WG0 = GateTest.WG0;
    static final String MASTER_VIP7 = GateTest.MASTER_VIP7;
    static final String BACKUP_VIP7 = GateTest.BACKUP_VIP7;

    private final Calls c = new Calls();

    /** wg0 as a stored restore left it on the backup: pointed at the backup's own VIP for VHID 7 on opt2. */
    private static CarpItem wg0Learned() {
        return new CarpItem(ItemKind.WIREGUARD, WG0, "wg0-branches", true, Optional.of(7), Optional.of("opt2"),
                Optional.of(BACKUP_VIP7), "VHID 7 from the VHID map", Optional.of(Instant.parse("2026-08-01T00:00:00Z")));
    }

    /**
     * VIP sync off, wg0 in the VHID map (VHID 7 on opt2, no backup-vip), the backup's API briefly down (HTTP 401 after
     * a key rotation, webgui restarting, a timeout). The previous sync stored carp_depend_on = BACKUP_VIP7 (good). This
     * one is forwarded with the master's uuid, which the backup does not have: the dependency now dangles, and the
     * next CARP event (or boot) on the backup brings wg0 UP while BACKUP. carpgate even knows the right uuid (book).
     * Expected: not forwarded with a dangling dependency (reject so the master retries, or reuse BACKUP_VIP7).
     */
    @Test
    void apiDownDuringVipLessSyncMustNotOverwriteAGoodDependencyWithADanglingOne() {
        GateInputs in = new GateInputs(
                GateTest.vhidMap(new VhidMapEntry(WG0, 7, Optional.of("opt2"), Optional.empty())),
                GateTest.book(wg0Learned()), new CarpView.Unavailable("backup API refused the credentials (HTTP 401)"),
                OnUnknownCarp.SUPPRESS);
        XmlRpcValue.Struct instance = c.wgInstance(WG0, "wg0-branches", MASTER_VIP7);
        Verdict verdict = Gate.decide(c.restore(List.of(instance), List.of()), in);

        boolean storesMasterUuid = verdict instanceof Verdict.Forward
                || (verdict instanceof Verdict.Rewrite rewrite && rewrite.changes().stream()
                        .map(BodyPatcher.Replacement::newText).noneMatch(BACKUP_VIP7::equals));
        assertThat(storesMasterUuid)
                .as("the restore reaches the backup with carp_depend_on " + MASTER_VIP7
                        + ", a uuid it has no VIP for (VIP sync off): wg0 comes up on the BACKUP at its next CARP event")
                .isFalse();
    }

    /**
     * The same with the API up but the backup simply lacking a VIP for the VHID (or having it on two interfaces and the
     * map naming none): the master's uuid is forwarded, known by carpgate to dangle. Expected: not forwarded as is.
     */
    @Test
    void aDependencyKnownToDangleOnTheBackupIsNotForwarded() {
        CarpView noVip7 = new CarpView.Known(List.of(), List.of(), Instant.EPOCH);
        GateInputs in = new GateInputs(
                GateTest.vhidMap(new VhidMapEntry(WG0, 7, Optional.of("opt2"), Optional.empty())),
                ItemBook.empty(), noVip7, OnUnknownCarp.SUPPRESS);
        Verdict verdict = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0-branches", MASTER_VIP7)), List.of()), in);
        assertThat(verdict)
                .as("carp_depend_on " + MASTER_VIP7 + " is neither in the restore nor a VIP of the backup (per its API)")
                .isNotInstanceOf(Verdict.Forward.class);
    }

    /**
     * The admin turns VIP sync on (or unticks WireGuard) after carpgate pointed wg0 at the backup's own VIP: a restore
     * with virtualip but without OPNsense.wireguard replaces the backup's VIP for carp_opt2_vip7 (uuid BACKUP_VIP7) by the
     * master's (MASTER_VIP7) — legacy.inc restore_config_section_xmlrpc + merge_config_attributes replace the whole vip
     * list — while wg0 keeps carp_depend_on = BACKUP_VIP7, which now dangles. carpgate knows both facts and forwards it
     * silently. Expected: rejected until the items' section comes along (wg0 would follow no VIP of the backup, and
     * its own CARP hooks bring it up as BACKUP), with what to do.
     */
    @Test
    void aVipsOnlyRestoreThatReplacesTheUuidAKnownItemFollowsIsRejected() {
        GateInputs in = GateTest.inputs(GateTest.book(wg0Learned()), GateTest.view("BACKUP", "BACKUP"));
        XmlRpcValue.Struct sections = c.struct("virtualip", c.struct("vip", c.array(c.vip(MASTER_VIP7, "opt2", "7"))));
        Verdict verdict = Gate.decide(c.call("opnsense.restore_config_section", sections), in);
        assertThat(verdict).as("wg0 follows " + BACKUP_VIP7 + " on the backup, which this restore removes")
                .isInstanceOf(Verdict.Reject.class);
        assertThat(verdict.calls().get(0).reason()).contains("wg0-branches", BACKUP_VIP7, "which this restore drops",
                "sync WireGuard instances with the VIPs", "nothing was sent to the backup");
    }

    /** The same restore with wg0's section in it is the fix: wg0 is then pointed at the VIP the backup will have. */
    @Test
    void theSameRestoreWithTheItemsSectionIsRewritten() {
        GateInputs in = GateTest.inputs(GateTest.book(wg0Learned()), GateTest.view("BACKUP", "BACKUP"));
        Verdict verdict = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0-branches", MASTER_VIP7)),
                List.of(c.vip(MASTER_VIP7, "opt2", "7"))), in);
        assertThat(verdict).isNotInstanceOf(Verdict.Reject.class);
    }
}
