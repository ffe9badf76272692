package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GateTest {
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String WG1 = "11111111-2222-4333-8444-555555555555";
    static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    static final String BACKUP_VIP7 = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    static final String BACKUP_VIP2 = "0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f";

    final Calls c = new Calls();

    static CarpView view(String status7, String status2) {
        return new CarpView.Known(
                List.of(new BackupVip(BACKUP_VIP7, "opt2", 7, "198.51.100.5", "WAN2 CARP"),
                        new BackupVip(BACKUP_VIP2, "lan", 2, "192.168.1.1", "LAN CARP")),
                List.of(new VipState("WAN2", 7, "198.51.100.5", status7),
                        new VipState("LAN", 2, "192.168.1.1", status2)),
                Instant.EPOCH);
    }

    static ItemBook book(CarpItem... instances) {
        return ItemBook.empty().with(List.of(instances));
    }

    /** A learned WireGuard instance (its starts are gated). */
    static CarpItem wg(String uuid, String name, Optional<Integer> vhid, Optional<String> iface) {
        return new CarpItem(ItemKind.WIREGUARD, uuid, name, true, vhid, iface);
    }

    static CarpItem wg0() {
        return wg(WG0, "wg0-branches", Optional.of(7), Optional.of("opt2"));
    }

    static CarpItem wg1() {
        return wg(WG1, "wg1-lan", Optional.of(2), Optional.of("lan"));
    }

    static GateInputs inputs(ItemBook book, CarpView carp) {
        return new GateInputs(VhidMap.none(), book, carp, OnUnknownCarp.SUPPRESS);
    }

    /** The restore is not sent: its fault and record say why, and nothing is learned from it. */
    static void assertRejected(Verdict verdict, String... says) {
        assertThat(verdict).isInstanceOf(Verdict.Reject.class);
        assertThat(verdict.calls().get(0).action()).isEqualTo(Action.REJECTED);
        assertThat(verdict.calls().get(0).reason()).contains(says).contains("nothing was sent to the backup")
                .doesNotContain("SECRET");
        assertThat(((Verdict.Reject) verdict).message()).contains(says);
        assertThat(verdict.calls().get(0).kind()).as("the record names the restore's kinds").isPresent();
        assertThat(verdict.learned()).isEmpty();
    }

    static VhidMap vhidMap(VhidMapEntry... entries) {
        return VhidMap.of(List.of(entries));
    }

    @Nested
    class Starts {
        @ParameterizedTest
        @ValueSource(strings = {"opnsense.restart_service", "opnsense.start_service"})
        void wireguardStartOnBackupIsSuppressedNamingInstanceVhidAndState(String method) {
            Verdict verdict = Gate.decide(c.service(method, "wireguard", WG0), inputs(book(wg0()), view("BACKUP", "BACKUP")));

            assertThat(verdict).isInstanceOf(Verdict.Suppress.class);
            assertThat(((Verdict.Suppress) verdict).message())
                    .contains(method + "(wireguard, " + WG0 + ")", "wg0-branches", "VHID 7", "BACKUP");
            CallOutcome outcome = verdict.calls().get(0);
            assertThat(outcome.action()).isEqualTo(Action.SUPPRESSED);
            assertThat(outcome.vhid()).contains("7");
            assertThat(outcome.carpState()).contains("BACKUP");
            assertThat(outcome.id()).contains(WG0);
        }

        @ParameterizedTest
        @CsvSource({"MASTER,FORWARDED", "BACKUP,SUPPRESSED", "INIT,SUPPRESSED", "DISABLED,SUPPRESSED"})
        void onlyMasterLetsTheStartThrough(String state, Action expected) {
            Verdict verdict = Gate.decide(c.service("opnsense.restart_service", "wireguard", WG0),
                    inputs(book(wg0()), view(state, "BACKUP")));
            assertThat(verdict.calls().get(0).action()).isEqualTo(expected);
            assertThat(verdict).isInstanceOf(expected == Action.FORWARDED ? Verdict.Forward.class : Verdict.Suppress.class);
        }

        @Test
        void eachInstanceFollowsItsOwnVhid() {
            GateInputs in = inputs(book(wg0(), wg1()), view("BACKUP", "MASTER"));
            assertThat(Gate.decide(c.service("opnsense.restart_service", "wireguard", WG0), in))
                    .isInstanceOf(Verdict.Suppress.class);
            assertThat(Gate.decide(c.service("opnsense.restart_service", "wireguard", WG1), in))
                    .isInstanceOf(Verdict.Forward.class);
        }

        @Test
        void stopAlwaysPasses() {
            Verdict verdict = Gate.decide(c.service("opnsense.stop_service", "wireguard", WG0),
                    inputs(book(wg0()), view("BACKUP", "BACKUP")));
            assertThat(verdict).isInstanceOf(Verdict.Forward.class);
        }

        @Test
        void otherServicesPass() {
            Verdict verdict = Gate.decide(c.service("opnsense.restart_service", "unbound", ""),
                    inputs(book(wg0()), new CarpView.Unavailable("down")));
            assertThat(verdict).isInstanceOf(Verdict.Forward.class);
            assertThat(verdict.calls().get(0).reason()).isEqualTo("not a start carpgate gates");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "0"})
        void emptyIdMeansTheBackupsFirstInstanceSoEveryKnownInstanceMustBeMaster(String id) {
            MethodCall call = c.service("opnsense.restart_service", "wireguard", id);
            assertThat(Gate.decide(call, inputs(book(wg0(), wg1()), view("MASTER", "BACKUP"))))
                    .isInstanceOf(Verdict.Suppress.class);
            assertThat(Gate.decide(call, inputs(book(wg0(), wg1()), view("MASTER", "MASTER"))))
                    .isInstanceOf(Verdict.Forward.class);
        }

        @Test
        void missingIdIsLikeEmpty() {
            MethodCall call = c.call("opnsense.start_service", c.struct("service", "wireguard"));
            assertThat(Gate.decide(call, inputs(book(wg0()), view("BACKUP", "MASTER"))))
                    .isInstanceOf(Verdict.Suppress.class);
        }

        @Test
        void starMatchesEveryServiceNameSoItIsGated() {
            MethodCall call = c.service("opnsense.restart_service", "*", WG0);
            assertThat(Gate.decide(call, inputs(book(wg0()), view("BACKUP", "BACKUP"))))
                    .isInstanceOf(Verdict.Suppress.class);
        }

        @Test
        void unknownInstanceIsUnknownCarpAndFollowsThePolicy() {
            MethodCall call = c.service("opnsense.restart_service", "wireguard", WG1);
            GateInputs suppress = inputs(book(wg0()), view("MASTER", "MASTER"));
            Verdict suppressed = Gate.decide(call, suppress);
            assertThat(suppressed).isInstanceOf(Verdict.Suppress.class);
            assertThat(suppressed.calls().get(0).reason()).contains("CARP state unknown", WG1);

            GateInputs forward = new GateInputs(VhidMap.none(), book(wg0()), view("MASTER", "MASTER"), OnUnknownCarp.FORWARD);
            Verdict forwarded = Gate.decide(call, forward);
            assertThat(forwarded).isInstanceOf(Verdict.Forward.class);
            assertThat(forwarded.calls().get(0).reason()).contains("on-unknown-carp is forward");
        }

        @Test
        void apiDownIsUnknownCarp() {
            Verdict verdict = Gate.decide(c.service("opnsense.restart_service", "wireguard", WG0),
                    inputs(book(wg0()), new CarpView.Unavailable("backup API refused the credentials (HTTP 401)")));
            assertThat(verdict).isInstanceOf(Verdict.Suppress.class);
            assertThat(((Verdict.Suppress) verdict).message()).contains("HTTP 401");
        }

        @Test
        void vhidMissingFromTheBackupsStatusIsUnknown() {
            CarpItem on9 = wg(WG0, "wg0", Optional.of(9), Optional.empty());
            Verdict verdict = Gate.decide(c.service("opnsense.restart_service", "wireguard", WG0),
                    inputs(book(on9), view("MASTER", "MASTER")));
            assertThat(verdict).isInstanceOf(Verdict.Suppress.class);
            assertThat(verdict.calls().get(0).reason()).contains("no CARP VIP with VHID 9");
        }

        @Test
        void theMapNamesTheVhidOfAnInstanceNeverSeenInARestore() {
            GateInputs in = new GateInputs(vhidMap(new VhidMapEntry(WG1, 2, Optional.empty(), Optional.empty())),
                    ItemBook.empty(), view("BACKUP", "MASTER"), OnUnknownCarp.SUPPRESS);
            assertThat(Gate.decide(c.service("opnsense.restart_service", "wireguard", WG1), in))
                    .isInstanceOf(Verdict.Forward.class);
        }

        @Test
        void nonStringServiceOrIdIsRejectedBecausePhpComparesLoosely() {
            GateInputs in = inputs(book(wg0()), view("MASTER", "MASTER"));
            MethodCall boolService = c.call("opnsense.restart_service",
                    c.struct("service", new XmlRpcValue.Bool(true), "id", WG0));
            MethodCall base64Service = c.call("opnsense.restart_service",
                    c.struct("service", new XmlRpcValue.Base64("d2lyZWd1YXJk"), "id", WG0));
            MethodCall intId = c.call("opnsense.restart_service",
                    c.struct("service", "wireguard", "id", new XmlRpcValue.Int(0)));
            MethodCall noService = c.call("opnsense.restart_service", c.struct("id", WG0));
            for (MethodCall call : List.of(boolService, base64Service, intId, noService)) {
                Verdict verdict = Gate.decide(call, in);
                assertThat(verdict).as(call.toString()).isInstanceOf(Verdict.Reject.class);
                assertThat(verdict.calls().get(0).action()).isEqualTo(Action.REJECTED);
            }
        }

        @Test
        void startWithoutExactlyOneStructParameterIsRejected() {
            GateInputs in = inputs(book(wg0()), view("MASTER", "MASTER"));
            XmlRpcValue.Struct params = c.struct("service", "wireguard", "id", WG0);
            for (MethodCall call : List.of(c.call("opnsense.start_service"),
                    c.call("opnsense.start_service", params, params),
                    c.call("opnsense.start_service", c.str("wireguard")),
                    c.call("opnsense.start_service", c.array(params)))) {
                assertThat(Gate.decide(call, in)).as(call.toString()).isInstanceOf(Verdict.Reject.class);
            }
        }
    }

    @Nested
    class Multicall {
        @Test
        void aSuppressedStartInsideRejectsTheWholeBatch() {
            MethodCall call = c.call("system.multicall", c.array(
                    c.struct("methodName", "opnsense.restart_service", "params", c.array(c.struct("service", "unbound"))),
                    c.struct("methodName", "opnsense.restart_service",
                            "params", c.array(c.struct("service", "wireguard", "id", WG0)))));
            Verdict verdict = Gate.decide(call, inputs(book(wg0()), view("BACKUP", "BACKUP")));
            assertThat(verdict).isInstanceOf(Verdict.Reject.class);
            assertThat(((Verdict.Reject) verdict).message()).contains("system.multicall", "suppressed", "wg0-branches");
            assertThat(verdict.calls()).extracting(CallOutcome::action)
                    .containsExactly(Action.REJECTED, Action.REJECTED);
            assertThat(verdict.calls().get(1).reason()).contains("a start carpgate would suppress", "BACKUP");
        }

        @Test
        void aBatchOfOnlyAHeldStartIsRecordedRejectedAsItsMasterIsAnswered() {
            // The master gets a fault, not the "suppressed" string: the record must not read "suppressed".
            MethodCall call = c.call("system.multicall", c.array(c.struct("methodName", "opnsense.restart_service",
                    "params", c.array(c.struct("service", "wireguard", "id", WG0)))));
            Verdict verdict = Gate.decide(call, inputs(book(wg0()), view("BACKUP", "BACKUP")));
            assertThat(verdict).isInstanceOf(Verdict.Reject.class);
            assertThat(verdict.calls()).singleElement().satisfies(o -> {
                assertThat(o.action()).isEqualTo(Action.REJECTED);
                assertThat(o.kind()).contains("wireguard");
            });
        }

        @Test
        void harmlessBatchesPassAndRewritesInsideAreApplied() {
            MethodCall call = c.call("system.multicall", c.array(
                    c.struct("methodName", "opnsense.firmware_version", "params", c.array()),
                    c.struct("methodName", "opnsense.restore_config_section",
                            "params", c.array(c.restore(List.of(c.wgInstance(WG0, "wg0", BACKUP_VIP7)), List.of())
                                    .params().get(0)))));
            Verdict verdict = Gate.decide(call, inputs(ItemBook.empty(),
                    view("BACKUP", "BACKUP")));
            // The VIP is not in the payload nor in the map, but the backup has it: VHID unknown, forwarded as is.
            assertThat(verdict).isInstanceOf(Verdict.Forward.class);
            assertThat(verdict.calls()).hasSize(2);
        }

        @Test
        void aBatchOfMoreCallsThanTheBoundIsRejectedWholeAsOneCall() {
            GateInputs in = inputs(book(wg0()), view("MASTER", "MASTER"));
            XmlRpcValue.Struct harmless = c.struct("methodName", "opnsense.firmware_version", "params", c.array());
            MethodCall atTheBound = c.call("system.multicall",
                    c.array(java.util.Collections.nCopies(Gate.MAX_MULTICALL_CALLS, harmless).toArray(XmlRpcValue[]::new)));
            assertThat(Gate.decide(atTheBound, in)).isInstanceOf(Verdict.Forward.class);
            assertThat(Gate.decide(atTheBound, in).calls()).hasSize(Gate.MAX_MULTICALL_CALLS);

            MethodCall over = c.call("system.multicall",
                    c.array(java.util.Collections.nCopies(20_000, harmless).toArray(XmlRpcValue[]::new)));
            Verdict verdict = Gate.decide(over, in);
            assertThat(verdict).isInstanceOf(Verdict.Reject.class);
            assertThat(((Verdict.Reject) verdict).message())
                    .isEqualTo("system.multicall of 20000 calls; carpgate accepts at most 64 in one (an OPNsense master "
                            + "sends none)");
            assertThat(verdict.calls()).as("one record, not one per call inside")
                    .singleElement().satisfies(call -> {
                        assertThat(call.method()).isEqualTo("system.multicall");
                        assertThat(call.action()).isEqualTo(Action.REJECTED);
                    });
        }

        @Test
        void whatMayReplaceTheBackupsVipsIsARestoreWithVipsOrOneCarpgateCannotTell() {
            MethodCall withVips = c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)),
                    List.of(c.vip(MASTER_VIP7, "opt2", "7")));
            MethodCall withoutVips = c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)), List.of());
            assertThat(Gate.replacesVips(withVips)).isTrue();
            assertThat(Gate.replacesVips(withoutVips)).as("VIP sync off: the backup's VIPs stay").isFalse();
            assertThat(Gate.replacesVips(c.call("opnsense.restore_config_section", c.str("odd"))))
                    .as("sections carpgate cannot read as a struct").isTrue();
            assertThat(Gate.replacesVips(c.call("system.multicall", c.array(
                    c.struct("methodName", "opnsense.firmware_version", "params", c.array()),
                    c.struct("methodName", "opnsense.restore_config_section",
                            "params", c.array(withVips.params().get(0))))))).isTrue();
            assertThat(Gate.replacesVips(c.call("system.multicall", c.array(
                    c.struct("methodName", "opnsense.restore_config_section",
                            "params", c.array(withoutVips.params().get(0))))))).isFalse();
            assertThat(Gate.replacesVips(c.service("opnsense.restart_service", "wireguard", WG0))).isFalse();
        }

        @Test
        void malformedBatchesAreRejected() {
            GateInputs in = inputs(book(wg0()), view("MASTER", "MASTER"));
            List<MethodCall> odd = List.of(
                    c.call("system.multicall"),
                    c.call("system.multicall", c.struct("a", "b")),
                    c.call("system.multicall", c.array(c.str("opnsense.restart_service"))),
                    c.call("system.multicall", c.array(c.struct("methodName", new XmlRpcValue.Base64("x"), "params", c.array()))),
                    c.call("system.multicall", c.array(c.struct("methodName", "opnsense.firmware_version"))),
                    c.call("system.multicall", c.array(c.struct("methodName", "system.multicall", "params", c.array()))));
            for (MethodCall call : odd) {
                assertThat(Gate.decide(call, in)).as(call.toString()).isInstanceOf(Verdict.Reject.class);
            }
        }
    }

    @Nested
    class Rewrite {
        @Test
        void vipNotInThePayloadIsReplacedByTheBackupsOwnVip() {
            GateInputs in = new GateInputs(vhidMap(new VhidMapEntry("wg0-branches", 7, Optional.empty(), Optional.empty())),
                    ItemBook.empty(), view("BACKUP", "BACKUP"), OnUnknownCarp.SUPPRESS);
            XmlRpcValue.Struct instance = c.wgInstance(WG0, "wg0-branches", MASTER_VIP7);
            Verdict verdict = Gate.decide(c.restore(List.of(instance), List.of()), in);

            assertThat(verdict).isInstanceOf(Verdict.Rewrite.class);
            Verdict.Rewrite rewrite = (Verdict.Rewrite) verdict;
            XmlRpcValue.Str dependOn = instance.str("carp_depend_on").orElseThrow();
            assertThat(rewrite.changes()).containsExactly(new BodyPatcher.Replacement(dependOn.slot(), BACKUP_VIP7));
            assertThat(rewrite.learned()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("vip", "basis", "learnedAt").containsExactly(wg(WG0, "wg0-branches", Optional.of(7), Optional.empty()));
            assertThat(verdict.calls().get(0).action()).isEqualTo(Action.REWRITTEN);
            assertThat(verdict.calls().get(0).reason()).contains(MASTER_VIP7 + " -> " + BACKUP_VIP7);
            assertThat(verdict.calls().get(0).reason()).doesNotContain("SECRET");
        }

        @Test
        void vipArrivingInTheSameSyncKeepsItsUuidSoNothingIsRewritten() {
            XmlRpcValue.Struct instance = c.wgInstance(WG0, "wg0-branches", MASTER_VIP7);
            MethodCall call = c.restore(List.of(instance), List.of(c.vip(MASTER_VIP7, "opt2", "7")));
            Verdict verdict = Gate.decide(call, inputs(ItemBook.empty(), view("BACKUP", "BACKUP")));

            assertThat(verdict).isInstanceOf(Verdict.Forward.class);
            assertThat(verdict.learned()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("vip", "basis", "learnedAt").containsExactly(wg(WG0, "wg0-branches", Optional.of(7), Optional.of("opt2")));
            assertThat(verdict.calls().get(0).reason()).contains("already follows VIP " + MASTER_VIP7);
        }

        @Test
        void mapBackupVipWinsUnlessTheRestoreMayDropIt() {
            String chosen = "abcdefab-0000-4000-8000-000000000001";
            GateInputs in = new GateInputs(vhidMap(new VhidMapEntry(WG0, 7, Optional.of("opt2"), Optional.of(chosen))),
                    ItemBook.empty(), new CarpView.Unavailable("down"), OnUnknownCarp.SUPPRESS);
            XmlRpcValue.Struct instance = c.wgInstance(WG0, "wg0", MASTER_VIP7);
            Verdict verdict = Gate.decide(c.restore(List.of(instance), List.of(c.vip(MASTER_VIP7, "opt2", "7"))), in);
            // This restore replaces the backup's VIPs and the API cannot say whether it keeps the chosen one: wg0
            // stays on the master's VIP 7, which arrives in it.
            assertThat(verdict).isInstanceOf(Verdict.Forward.class);
            assertThat(verdict.calls().get(0).reason()).contains("WARNING", "backup-vip " + chosen, "left as sent");
            GateInputs noVipSync = new GateInputs(in.vhidMap(), ItemBook.empty(), new CarpView.Unavailable("down"),
                    OnUnknownCarp.SUPPRESS);
            Verdict mapped = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)), List.of()), noVipSync);
            assertThat(((Verdict.Rewrite) mapped).changes()).extracting(BodyPatcher.Replacement::newText)
                    .as("a restore without VIPs leaves the backup's: the map's word wins").containsExactly(chosen);
        }

        @Test
        void aMapBackupVipTheBackupDoesNotHaveRejectsTheRestore() {
            String typo = "abcdefab-0000-4000-8000-000000000001";
            GateInputs known = new GateInputs(vhidMap(new VhidMapEntry(WG0, 7, Optional.of("opt2"), Optional.of(typo))),
                    ItemBook.empty(), view("BACKUP", "BACKUP"), OnUnknownCarp.SUPPRESS);
            Verdict verdict = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)), List.of()), known);
            assertRejected(verdict, "the VHID map's backup-vip " + typo, "neither a VIP of the backup", "fix backup-vip");
            // One of the backup's own VIPs: no warning.
            GateInputs right = new GateInputs(vhidMap(new VhidMapEntry(WG0, 7, Optional.of("opt2"), Optional.of(BACKUP_VIP7))),
                    ItemBook.empty(), view("BACKUP", "BACKUP"), OnUnknownCarp.SUPPRESS);
            assertThat(Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)), List.of()), right)
                    .calls().get(0).reason()).doesNotContain("WARNING");
        }

        @Test
        void severalInstancesEachGetTheirOwnVhidsVip() {
            // The restore carries VIPs, so the backup's LAN VIP stays only as one marked No XMLRPC sync there
            // (RestoreDropsBackupVipTest has the one it drops).
            CarpView lanNosync = new CarpView.Known(
                    List.of(new BackupVip(BACKUP_VIP7, "opt2", 7, "198.51.100.5", "WAN2 CARP"),
                            new BackupVip(BACKUP_VIP2, "lan", 2, "192.168.1.1", "LAN CARP", true)),
                    ((CarpView.Known) view("BACKUP", "MASTER")).states(), Instant.EPOCH);
            GateInputs in = new GateInputs(vhidMap(new VhidMapEntry("wg1-lan", 2, Optional.of("lan"), Optional.empty())),
                    ItemBook.empty(), lanNosync, OnUnknownCarp.SUPPRESS);
            XmlRpcValue.Struct a = c.wgInstance(WG0, "wg0", MASTER_VIP7);
            XmlRpcValue.Struct b = c.wgInstance(WG1, "wg1-lan", "");
            // VIP 7 arrives in the payload under the master's uuid: kept. wg1 had no dependency: gets the LAN VIP.
            Verdict verdict = Gate.decide(c.restore(List.of(a, b), List.of(c.vip(MASTER_VIP7, "opt2", "7"))), in);
            assertThat(((Verdict.Rewrite) verdict).changes()).containsExactly(
                    new BodyPatcher.Replacement(b.str("carp_depend_on").orElseThrow().slot(), BACKUP_VIP2));
            assertThat(verdict.calls().get(0).vhid()).contains("7,2");
        }

        @Test
        void unresolvedInstancesAreLeftAsSentWithAWarning() {
            XmlRpcValue.Struct instance = c.wgInstance(WG0, "wg0", "");
            Verdict verdict = Gate.decide(c.restore(List.of(instance), List.of()),
                    inputs(ItemBook.empty(), view("BACKUP", "BACKUP")));
            assertThat(verdict).isInstanceOf(Verdict.Forward.class);
            assertThat(verdict.calls().get(0).reason()).contains("WARNING", "no CARP dependency");
        }

        @Test
        void anItemListedTwiceWithDifferentDependenciesFollowsNoVhidCarpgateVouchesFor() {
            String vip9 = "99999999-0000-4000-8000-000000000009";
            MethodCall call = c.restore(List.of(c.wgInstance(WG0, "wg0", vip9), c.wgInstance(WG0, "wg0", MASTER_VIP7)),
                    List.of(c.vip(vip9, "opt9", "9"), c.vip(MASTER_VIP7, "opt2", "7")));
            Verdict verdict = Gate.decide(call, inputs(ItemBook.empty(), view("BACKUP", "BACKUP")));
            assertThat(verdict.learned()).singleElement().satisfies(item -> {
                assertThat(item.vhid()).isEmpty();
                assertThat(item.basis()).contains("listed twice");
            });
        }

        @Test
        void aVipUuidThePatcherCannotWriteRejectsTheRestoreForAsSentItWouldFollowNoVip() {
            // A restore whose VIP uuid is spelled with &#13; reads as a uuid ending in CR: no text written into
            // the body reads back as that on the backup, so the gate must not plan that rewrite.
            GateInputs in = new GateInputs(vhidMap(new VhidMapEntry("wg0", 7, Optional.empty(), Optional.empty())),
                    ItemBook.empty(), view("BACKUP", "BACKUP"), OnUnknownCarp.SUPPRESS);
            Verdict verdict = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", "")),
                    List.of(c.vip(MASTER_VIP7 + "\r", "opt2", "7"))), in);
            // Left as sent, the backup would store no dependency: wg0 would come up on it as BACKUP.
            assertRejected(verdict, "cannot be written", "as sent it names no VIP", "also as BACKUP");
        }

        @Test
        void aPayloadVipWithoutUuidIsNeverTheTargetForThatWouldMeanNoDependency() {
            GateInputs in = new GateInputs(vhidMap(new VhidMapEntry("wg0", 7, Optional.empty(), Optional.empty())),
                    ItemBook.empty(), view("BACKUP", "BACKUP"), OnUnknownCarp.SUPPRESS);
            for (String blank : List.of("", "  ")) {
                Verdict verdict = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)),
                        List.of(c.vip(blank, "opt2", "7"))), in);
                assertRejected(verdict, "has no uuid", "the backup has no VIP " + MASTER_VIP7);
            }
        }

        @Test
        void aBackupVipUuidFromTheApiThatCannotBeWrittenIsNotPlannedEither() {
            CarpView odd = new CarpView.Known(List.of(new BackupVip(BACKUP_VIP7 + "\u0001", "opt2", 7, "198.51.100.5", "")),
                    List.of(new VipState("WAN2", 7, "198.51.100.5", "BACKUP")), Instant.EPOCH);
            GateInputs in = new GateInputs(vhidMap(new VhidMapEntry("wg0", 7, Optional.empty(), Optional.empty())),
                    ItemBook.empty(), odd, OnUnknownCarp.SUPPRESS);
            Verdict verdict = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)), List.of()), in);
            assertRejected(verdict, "cannot be written");
        }

        @Test
        void apiDownWithoutMapVipRejectsTheRestoreAndSaysWhy() {
            GateInputs in = new GateInputs(vhidMap(new VhidMapEntry("wg0", 7, Optional.empty(), Optional.empty())),
                    ItemBook.empty(), new CarpView.Unavailable("connection refused"), OnUnknownCarp.SUPPRESS);
            Verdict verdict = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)), List.of()), in);
            // Whether the backup has the master's VIP is not known: stored with it, wg0 may come up as BACKUP.
            assertRejected(verdict, "connection refused", "whether the backup has VIP " + MASTER_VIP7 + " is not known",
                    "the backup treats it as having no dependency and brings it up, also as BACKUP");
        }

        @Test
        void ambiguousVhidAcrossInterfacesIsNotGuessed() {
            CarpView twoSevens = new CarpView.Known(
                    List.of(new BackupVip(BACKUP_VIP7, "opt2", 7, "198.51.100.5", ""),
                            new BackupVip(BACKUP_VIP2, "lan", 7, "192.168.1.1", "")),
                    List.of(), Instant.EPOCH);
            GateInputs in = new GateInputs(vhidMap(new VhidMapEntry("wg0", 7, Optional.empty(), Optional.empty())),
                    ItemBook.empty(), twoSevens, OnUnknownCarp.SUPPRESS);
            Verdict verdict = Gate.decide(c.restore(List.of(c.wgInstance(WG0, "wg0", MASTER_VIP7)), List.of()), in);
            assertRejected(verdict, "name the interface");
        }

        @Test
        void restoresWithoutWireGuardPass() {
            MethodCall call = c.call("opnsense.restore_config_section", c.struct("system", c.struct("hostname", "fw")));
            assertThat(Gate.decide(call, inputs(ItemBook.empty(), new CarpView.Unavailable("x"))))
                    .isInstanceOf(Verdict.Forward.class);
        }

        @Test
        void restoreWithoutOneStructIsRejected() {
            assertThat(Gate.decide(c.call("opnsense.restore_config_section", c.str("x")),
                    inputs(ItemBook.empty(), view("BACKUP", "BACKUP")))).isInstanceOf(Verdict.Reject.class);
        }

        @Test
        void learnedInstancesGateLaterStarts() {
            XmlRpcValue.Struct instance = c.wgInstance(WG0, "wg0", MASTER_VIP7);
            Verdict restore = Gate.decide(c.restore(List.of(instance), List.of(c.vip(MASTER_VIP7, "opt2", "7"))),
                    inputs(ItemBook.empty(), view("BACKUP", "BACKUP")));
            ItemBook learned = ItemBook.empty().with(restore.learned());
            assertThat(Gate.decide(c.service("opnsense.restart_service", "wireguard", WG0), inputs(learned, view("BACKUP", "BACKUP"))))
                    .isInstanceOf(Verdict.Suppress.class);
            assertThat(Gate.decide(c.service("opnsense.restart_service", "wireguard", WG0), inputs(learned, view("MASTER", "BACKUP"))))
                    .isInstanceOf(Verdict.Forward.class);
        }
    }

    @Test
    void needsCarpOnlyForCallsThatCanTouchWireGuard() {
        assertThat(Gate.needsCarp(c.call("opnsense.firmware_version"))).isFalse();
        assertThat(Gate.needsCarp(c.call("opnsense.filter_configure"))).isFalse();
        assertThat(Gate.needsCarp(c.call("opnsense.restart_service"))).isTrue();
        assertThat(Gate.needsCarp(c.call("opnsense.restore_config_section"))).isTrue();
        assertThat(Gate.needsCarp(c.call("system.multicall"))).isTrue();
    }

    @Test
    void theBookIsBoundedAndForgetsWhatItLearnedLongestAgo() {
        List<CarpItem> many = new java.util.ArrayList<>();
        for (int i = 0; i < ItemBook.MAX_ITEMS + 5; i++) {
            many.add(new CarpItem(ItemKind.WIREGUARD, "uuid-" + i, "wg" + i, true, Optional.of(7), Optional.empty()));
        }
        ItemBook book = ItemBook.empty().with(many.subList(0, 3)).with(many.subList(3, many.size()))
                .with(List.of(many.get(4))); // re-learned: young again
        assertThat(book.all()).hasSize(ItemBook.MAX_ITEMS);
        assertThat(book.find(ItemKind.WIREGUARD, "uuid-0")).as("the oldest, forgotten").isEmpty();
        assertThat(book.find(ItemKind.WIREGUARD, "uuid-5")).as("forgotten too").isEmpty();
        assertThat(book.find(ItemKind.WIREGUARD, "uuid-4")).as("re-learned, kept").isPresent();
        assertThat(book.find(ItemKind.WIREGUARD, "uuid-" + (ItemBook.MAX_ITEMS + 4))).isPresent();
    }

    @Test
    void instanceBookKeepsTheLatestLearning() {
        CarpItem first = wg(WG0, "wg0", Optional.of(7), Optional.empty());
        CarpItem second = wg(WG0, "wg0", Optional.of(2), Optional.empty());
        assertThat(ItemBook.empty().with(List.of(first)).with(List.of(second)).byKindAndUuid())
                .isEqualTo(Map.of("wireguard/" + WG0, second));
    }
}
