package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.carp.BackupVip;
import io.carpgate.carp.CarpView;
import io.carpgate.carp.VipState;
import io.carpgate.testkit.Fixtures;
import io.carpgate.xmlrpc.BackupReader;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.KeptValues;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.ReadResult;
import io.carpgate.xmlrpc.XmlRpcValue;
import io.carpgate.xmlrpc.XmlRpcValue.Struct;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rewrite and the gate for every {@link ItemKind}, on restores in the shapes an OPNsense master sends
 * (src/test/resources/opnsense-items/): WireGuard's {@code servers} as a list of one, several OpenVPN instances
 * as an array and one as a struct, one DHCP relay as a struct and several as an array, empty modules as ''.
 */
class ItemKindsGateTest {
    static final String MASTER_VIP7 = "5f3c1a9e-8d2b-4c7a-9e1f-2a3b4c5d6e7f";
    static final String MASTER_VIP2 = "a1b2c3d4-0000-4000-8000-0000000000a2";
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String CLIENT = "6c1f7a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
    static final String SERVER = "7d2e8b3f-4c5e-4f60-9bac-1d2e3f405b6c";
    static final String CLIENT2 = "8e3f9c40-5d6f-4071-acbd-2e3f40516c7d";
    static final String RELAY4 = "9f40ad51-6e70-4182-bdce-3f4051627d8e";
    static final String RELAY6 = "a051be62-7f81-4293-8edf-405162738e9f";

    private final Calls c = new Calls();

    static MethodCall read(byte[] body) {
        ReadResult result = BackupReader.read(body, KeptValues.ALL);
        assertThat(result).isInstanceOf(ReadResult.Call.class);
        return ((ReadResult.Call) result).call();
    }

    /** The restore as the master sends it with VIP sync off: no virtualip section. */
    static byte[] withoutVips(String fixture) {
        String text = new String(Fixtures.items(fixture), StandardCharsets.UTF_8);
        int at = text.indexOf("  <member><name>virtualip</name>");
        int end = text.indexOf("</struct></value></param>");
        return (text.substring(0, at) + text.substring(end)).getBytes(StandardCharsets.UTF_8);
    }

    static GateInputs mapped(CarpView view, VhidMapEntry... entries) {
        return new GateInputs(VhidMap.of(List.of(entries)), ItemBook.empty(), view, OnUnknownCarp.SUPPRESS);
    }

    static VhidMapEntry entry(ItemKind kind, String key, int vhid) {
        return new VhidMapEntry(kind, key, vhid, Optional.empty(), Optional.empty(), "vhid-map.yml:1");
    }

    static byte[] patched(byte[] body, Verdict.Rewrite rewrite) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer buffer : BodyPatcher.patch(body, rewrite.changes())) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    /** carp_depend_on of every item in a restore, by uuid, as the backup will read it. */
    static Map<String, String> dependencies(byte[] body) {
        Struct sections = (Struct) read(body).params().get(0);
        Map<String, String> out = new LinkedHashMap<>();
        for (ItemKind kind : ItemKind.values()) {
            for (XmlRpcValue item : kind.items(sections)) {
                Struct struct = (Struct) item;
                out.put(PayloadVip.uuidOf(struct), PayloadVip.text(struct, "carp_depend_on"));
            }
        }
        return out;
    }

    @Nested
    class Restores {
        @Test
        void withVipSyncEveryDependencyAlreadyNamesAVipTheBackupWillHave() {
            Verdict verdict = Gate.decide(read(Fixtures.items("restore.three-kinds.request.xml")),
                    GateTest.inputs(ItemBook.empty(), GateTest.view("BACKUP", "BACKUP")));

            assertThat(verdict).isInstanceOf(Verdict.Forward.class);
            CallOutcome outcome = verdict.calls().get(0);
            assertThat(outcome.kind()).contains("wireguard,openvpn,dhcrelay");
            assertThat(outcome.instance()).contains("wg0-branches, branch-client, road-warriors, lan");
            assertThat(outcome.reason()).contains("WireGuard instance wg0-branches already follows VIP " + MASTER_VIP7,
                    "OpenVPN instance branch-client already follows VIP " + MASTER_VIP7,
                    "OpenVPN instance road-warriors: left as sent, it is not a client",
                    "DHCP relay lan already follows VIP " + MASTER_VIP2);
            assertThat(verdict.learned()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("vip", "basis", "learnedAt").containsExactly(
                    // Each with the interface the backup gives it, from the restore: WireGuard's instance field,
                    // OpenVPN's role and vpnid, an enabled relay's interface.
                    new CarpItem(ItemKind.WIREGUARD, WG0, "wg0-branches", true, Optional.of(7), Optional.of("opt2"))
                            .withDevice(Optional.of("wg0")),
                    new CarpItem(ItemKind.OPENVPN, CLIENT, "branch-client", true, Optional.of(7), Optional.of("opt2"))
                            .withDevice(Optional.of("ovpnc1")),
                    new CarpItem(ItemKind.OPENVPN, SERVER, "road-warriors", false, Optional.empty(), Optional.empty())
                            .withDevice(Optional.of("ovpns2")),
                    new CarpItem(ItemKind.DHCRELAY, RELAY4, "lan", false, Optional.of(2), Optional.of("lan"))
                            .withDevice(Optional.of("lan")));
            assertThat(outcome.reason()).doesNotContain("EXAMPLE", "never-log", "example-carp-secret");
        }

        @Test
        void withoutVipSyncTheMapPointsEachKindAtTheBackupsOwnVipByteForByte() {
            byte[] body = withoutVips("restore.three-kinds.request.xml");
            GateInputs in = mapped(GateTest.view("BACKUP", "BACKUP"), entry(ItemKind.WIREGUARD, "wg0-branches", 7),
                    entry(ItemKind.OPENVPN, "branch-client", 7), entry(ItemKind.DHCRELAY, "lan", 2),
                    entry(ItemKind.OPENVPN, "road-warriors", 7));
            Verdict verdict = Gate.decide(read(body), in);

            assertThat(verdict).isInstanceOf(Verdict.Rewrite.class);
            Verdict.Rewrite rewrite = (Verdict.Rewrite) verdict;
            assertThat(rewrite.changes()).hasSize(3);
            byte[] out = patched(body, rewrite);
            // Same length (uuids), and every byte outside the three carp_depend_on texts as the master sent it.
            assertThat(out).hasSameSizeAs(body);
            for (int i = 0; i < body.length; i++) {
                if (out[i] != body[i]) {
                    final int at = i;
                    assertThat(rewrite.changes()).as("byte %d changed outside a rewritten slot", i)
                            .anyMatch(ch -> ch.slot().start() <= at && at < ch.slot().end());
                }
            }
            assertThat(dependencies(out)).containsExactly(Map.entry(WG0, GateTest.BACKUP_VIP7),
                    Map.entry(CLIENT, GateTest.BACKUP_VIP7), Map.entry(SERVER, MASTER_VIP7),
                    Map.entry(RELAY4, GateTest.BACKUP_VIP2));
            assertThat(verdict.calls().get(0).reason()).contains(
                    "OpenVPN instance branch-client: carp_depend_on " + MASTER_VIP7 + " -> " + GateTest.BACKUP_VIP7
                            + " (VHID 7 from the VHID map, vhid-map.yml:1)",
                    "DHCP relay lan: carp_depend_on " + MASTER_VIP2 + " -> " + GateTest.BACKUP_VIP2);
        }

        @Test
        void withoutVipSyncOrMapARestoreThatWouldBringItemsUpOnTheBackupIsNotSent() {
            Verdict verdict = Gate.decide(read(withoutVips("restore.three-kinds.request.xml")),
                    GateTest.inputs(ItemBook.empty(), GateTest.view("BACKUP", "BACKUP")));

            GateTest.assertRejected(verdict, "WireGuard instance wg0-branches depends on VIP " + MASTER_VIP7,
                    "the backup has no VIP " + MASTER_VIP7, "brings it up, also as BACKUP",
                    "OpenVPN instance branch-client depends on VIP " + MASTER_VIP7, "starts it, also as BACKUP",
                    "name its VHID in the VHID map");
        }

        @Test
        void withoutVipSyncOrMapARelayIsLeftAsSentWithAWarningSayingWhatTheBackupWillDo() {
            // A relay with an unknown VIP never runs on the backup (it fails over never, but comes up on no BACKUP).
            Verdict verdict = Gate.decide(read(withoutVips("restore.three-kinds.request.xml")), mapped(
                    GateTest.view("BACKUP", "BACKUP"), entry(ItemKind.WIREGUARD, "wg0-branches", 7),
                    entry(ItemKind.OPENVPN, "branch-client", 7)));

            assertThat(verdict).isInstanceOf(Verdict.Rewrite.class);
            assertThat(verdict.calls().get(0).reason()).contains("WARNING DHCP relay lan depends on VIP " + MASTER_VIP2,
                    "never starts the relay");
        }

        @Test
        void oneInstanceAsAStructAndSeveralRelaysAsAnArray() {
            byte[] body = withoutVips("restore.single-client-two-relays.request.xml");
            Verdict verdict = Gate.decide(read(body), mapped(GateTest.view("BACKUP", "BACKUP"),
                    entry(ItemKind.OPENVPN, CLIENT2, 2), entry(ItemKind.DHCRELAY, "lan", 2)));

            assertThat(verdict).isInstanceOf(Verdict.Rewrite.class);
            assertThat(dependencies(patched(body, (Verdict.Rewrite) verdict))).containsExactly(
                    Map.entry(CLIENT2, GateTest.BACKUP_VIP2), Map.entry(RELAY4, GateTest.BACKUP_VIP2),
                    Map.entry(RELAY6, GateTest.BACKUP_VIP2));
            assertThat(verdict.calls().get(0).kind()).contains("openvpn,dhcrelay");
        }

        @Test
        void modulesWithoutItemsPass() {
            Verdict verdict = Gate.decide(read(Fixtures.items("restore.no-items.request.xml")),
                    GateTest.inputs(ItemBook.empty(), GateTest.view("BACKUP", "BACKUP")));
            assertThat(verdict).isInstanceOf(Verdict.Forward.class);
            assertThat(verdict.calls().get(0).reason())
                    .isEqualTo("no WireGuard instance, OpenVPN instance, DHCP relay in this restore");
            assertThat(verdict.learned()).isEmpty();
        }

        @Test
        void wireguardServersAsAListOfOneAreFoundAsAMasterSendsThem() {
            // config.inc's listtags() names `servers`: a real master sends it as an array even for one.
            byte[] body = withoutVips("restore.three-kinds.request.xml");
            Verdict verdict = Gate.decide(read(body), mapped(GateTest.view("BACKUP", "BACKUP"),
                    entry(ItemKind.WIREGUARD, WG0, 7), entry(ItemKind.OPENVPN, "branch-client", 7)));
            assertThat(dependencies(patched(body, (Verdict.Rewrite) verdict))).containsEntry(WG0, GateTest.BACKUP_VIP7);
        }

        @Test
        void anOpenVpnInstanceWithoutRoleIsAServerAndOneWithAnUnreadableRoleCountsAsAClient() {
            Struct noRole = c.struct("@attributes", c.struct("uuid", CLIENT), "description", "x",
                    "carp_depend_on", MASTER_VIP7);
            Struct oddRole = c.struct("@attributes", c.struct("uuid", CLIENT2), "description", "y",
                    "role", c.struct(), "carp_depend_on", MASTER_VIP7);
            MethodCall call = c.call("opnsense.restore_config_section", c.struct("OPNsense", c.struct("OpenVPN",
                    c.struct("Instances", c.struct("Instance", c.array(noRole, oddRole)))),
                    "virtualip", c.struct("vip", c.vip(MASTER_VIP7, "opt2", "7"))));
            Verdict verdict = Gate.decide(call, GateTest.inputs(ItemBook.empty(), GateTest.view("BACKUP", "BACKUP")));
            assertThat(verdict.learned()).extracting(CarpItem::gated).containsExactly(false, true);
        }

        @Test
        void aRelayWithoutDependencyRunsOnBothNodesAndIsNoWarning() {
            Struct relay = c.struct("@attributes", c.struct("uuid", RELAY4), "enabled", "1", "interface", "lan",
                    "carp_depend_on", "");
            MethodCall call = c.call("opnsense.restore_config_section",
                    c.struct("OPNsense", c.struct("DHCRelay", c.struct("relays", relay))));
            Verdict verdict = Gate.decide(call, GateTest.inputs(ItemBook.empty(), GateTest.view("BACKUP", "BACKUP")));
            assertThat(verdict.calls().get(0).reason()).isEqualTo("DHCP relay lan has no CARP dependency; left as sent");
        }
    }

    @Nested
    class Starts {
        final ItemBook book = ItemBook.empty().with(List.of(
                new CarpItem(ItemKind.OPENVPN, CLIENT, "branch-client", true, Optional.of(7), Optional.of("opt2")),
                new CarpItem(ItemKind.OPENVPN, SERVER, "road-warriors", false, Optional.empty(), Optional.empty()),
                new CarpItem(ItemKind.DHCRELAY, RELAY4, "lan", false, Optional.of(2), Optional.of("lan"))));

        Verdict restart(String service, String id, String state7) {
            return Gate.decide(c.service("opnsense.restart_service", service, id),
                    GateTest.inputs(book, GateTest.view(state7, "BACKUP")));
        }

        @Test
        void anOpenVpnClientStartsOnlyWhereCarpIsMaster() {
            Verdict held = restart("openvpn", CLIENT, "BACKUP");
            assertThat(held).isInstanceOf(Verdict.Suppress.class);
            assertThat(((Verdict.Suppress) held).message()).contains("opnsense.restart_service(openvpn, " + CLIENT + ")",
                    "OpenVPN instance branch-client (" + CLIENT + "): the backup is BACKUP for VHID 7");
            assertThat(held.calls().get(0).kind()).contains("openvpn");
            assertThat(restart("openvpn", CLIENT, "MASTER")).isInstanceOf(Verdict.Forward.class);
            assertThat(restart("*", CLIENT, "BACKUP")).isInstanceOf(Verdict.Suppress.class);
        }

        @Test
        void serversAndRelaysPassWhateverCarpSays() {
            Verdict server = restart("openvpn", SERVER, "BACKUP");
            assertThat(server).isInstanceOf(Verdict.Forward.class);
            assertThat(server.calls().get(0).reason()).contains("OpenVPN instance road-warriors", "not gated");
            Verdict relay = restart("dhcrelay", RELAY4, "BACKUP");
            assertThat(relay).isInstanceOf(Verdict.Forward.class);
            assertThat(relay.calls().get(0).reason()).contains("starts only while its own CARP VIP is MASTER");
            assertThat(relay.calls().get(0).kind()).contains("dhcrelay");
            assertThat(relay.calls().get(0).instance()).as("the relay by name, as a gated item is").contains("lan");
            assertThat(restart("dhcrelay", "", "BACKUP").calls().get(0).instance())
                    .contains("(the backup's first DHCP relay)");
            assertThat(restart("dhcrelay", "0b0b0b0b-0000-4000-8000-00000000dead", "BACKUP").calls().get(0).instance())
                    .as("one carpgate has not seen, by its id").contains("0b0b0b0b-0000-4000-8000-00000000dead");
            assertThat(restart("*", RELAY4, "BACKUP")).isInstanceOf(Verdict.Forward.class);
        }

        @Test
        void withoutIdEveryKnownClientOfTheServiceCounts() {
            assertThat(restart("openvpn", "", "BACKUP")).isInstanceOf(Verdict.Suppress.class);
            assertThat(restart("openvpn", "0", "MASTER")).isInstanceOf(Verdict.Forward.class);
        }

        @Test
        void anIdOfAnotherKindIsNotThatKindsItemAndSoUnknown() {
            Verdict verdict = restart("openvpn", RELAY4, "MASTER");
            assertThat(verdict).isInstanceOf(Verdict.Suppress.class);
            assertThat(verdict.calls().get(0).reason()).contains("OpenVPN instance " + RELAY4 + " is not in the VHID map");
        }

        @Test
        void aClientStartInsideAMulticallRejectsTheBatch() {
            MethodCall batch = c.call("system.multicall", c.array(
                    c.struct("methodName", "opnsense.restart_service",
                            "params", c.array(c.struct("service", "dhcrelay", "id", RELAY4))),
                    c.struct("methodName", "opnsense.restart_service",
                            "params", c.array(c.struct("service", "openvpn", "id", CLIENT)))));
            Verdict verdict = Gate.decide(batch, GateTest.inputs(book, GateTest.view("BACKUP", "BACKUP")));
            assertThat(verdict).isInstanceOf(Verdict.Reject.class);
            assertThat(verdict.calls()).extracting(CallOutcome::action).containsExactly(Action.REJECTED, Action.REJECTED);
        }

        @Test
        void aVhidMissingOnTheBackupIsUnknownForAClient() {
            CarpView only2 = new CarpView.Known(List.of(new BackupVip(GateTest.BACKUP_VIP2, "lan", 2, "192.168.1.1", "LAN")),
                    List.of(new VipState("LAN", 2, "192.168.1.1", "MASTER")), Instant.EPOCH);
            Verdict verdict = Gate.decide(c.service("opnsense.restart_service", "openvpn", CLIENT),
                    GateTest.inputs(book, only2));
            assertThat(verdict).isInstanceOf(Verdict.Suppress.class);
            assertThat(verdict.calls().get(0).reason()).startsWith("CARP state unknown: OpenVPN instance branch-client");
        }
    }
}
