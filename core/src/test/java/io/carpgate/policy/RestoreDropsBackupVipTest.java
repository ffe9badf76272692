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
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A restore that carries VIPs replaces the backup's: each VHID VIP of the backup it does not carry is dropped, unless
 * the backup marked it "No XMLRPC sync" (restore_config_section_xmlrpc). An item whose VHID the restore carries no VIP
 * for (the master's own VIP is marked No XMLRPC sync, so the master leaves it out) may follow the backup's own VIP
 * only when that one stays; pointed at one the restore drops, its dependency dangles on the backup, which then
 * treats it as not CARP-dependent and brings it up as BACKUP.
 */
class RestoreDropsBackupVipTest {
    private static final String MASTER_VIP2 = "22222222-0000-4000-8000-000000000002";
    private final Calls c = new Calls();

    private static CarpView backupWithVip7(boolean nosync) {
        return new CarpView.Known(
                List.of(new BackupVip(BACKUP_VIP7, "opt2", 7, "198.51.100.5", "WAN2 CARP", nosync),
                        new BackupVip(BACKUP_VIP2, "lan", 2, "192.168.1.1", "LAN CARP")),
                List.of(new VipState("WAN2", 7, "198.51.100.5", "BACKUP"), new VipState("LAN", 2, "192.168.1.1", "BACKUP")),
                Instant.EPOCH);
    }

    private static GateInputs mapped(Optional<String> backupVip, CarpView carp) {
        return new GateInputs(VhidMap.of(List.of(new VhidMapEntry(WG0, 7, Optional.of("opt2"), backupVip))),
                ItemBook.empty(), carp, OnUnknownCarp.SUPPRESS);
    }

    /** VIPs sync on, the one for VHID 7 left out by the master: only VHID 2's VIP arrives. */
    private MethodCall restoreWithVip2Only() {
        return c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)), List.of(c.vip(MASTER_VIP2, "lan", "2")));
    }

    @Test
    void aBackupVipTheRestoreDropsIsNotTheTargetAndTheRestoreIsNotSent() {
        Verdict verdict = Gate.decide(restoreWithVip2Only(), mapped(Optional.empty(), backupWithVip7(false)));

        // Nothing rewritten to a VIP the backup is about to drop; and as sent, wg0 would follow a VIP it does not
        // have either: the restore is not sent.
        GateTest.assertRejected(verdict, "carries none for VHID 7", BACKUP_VIP7, "not marked No XMLRPC sync",
                "the backup has no VIP " + MASTER_VIP7);
    }

    @Test
    void aBackupVipMarkedNoXmlrpcSyncStaysAndIsTheTarget() {
        MethodCall call = restoreWithVip2Only();
        Verdict verdict = Gate.decide(call, mapped(Optional.empty(), backupWithVip7(true)));

        assertThat(verdict).isInstanceOf(Verdict.Rewrite.class);
        assertThat(((Verdict.Rewrite) verdict).changes()).extracting(BodyPatcher.Replacement::newText)
                .containsExactly(BACKUP_VIP7);
        assertThat(verdict.calls().get(0).reason()).doesNotContain("WARNING");
        assertThat(verdict.learned()).singleElement().satisfies(item -> assertThat(item.vhid()).contains(7));
    }

    @Test
    void aRestoreWithoutVipsKeepsTheBackupsVipsSoAnyOfThemIsTheTarget() {
        MethodCall call = c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)), List.of());
        Verdict verdict = Gate.decide(call, mapped(Optional.empty(), backupWithVip7(false)));

        assertThat(((Verdict.Rewrite) verdict).changes()).extracting(BodyPatcher.Replacement::newText)
                .containsExactly(BACKUP_VIP7);
    }

    @Test
    void anAdminsBackupVipTheRestoreDropsRejectsTheRestore() {
        Verdict dropped = Gate.decide(restoreWithVip2Only(), mapped(Optional.of(BACKUP_VIP7), backupWithVip7(false)));
        GateTest.assertRejected(dropped, "the VHID map's backup-vip " + BACKUP_VIP7, "this restore drops");

        Verdict kept = Gate.decide(restoreWithVip2Only(), mapped(Optional.of(BACKUP_VIP7), backupWithVip7(true)));
        assertThat(kept.calls().get(0).reason()).doesNotContain("WARNING");
        Verdict noVips = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)), List.of()),
                mapped(Optional.of(BACKUP_VIP7), backupWithVip7(false)));
        assertThat(noVips.calls().get(0).reason()).doesNotContain("WARNING");
    }
}
