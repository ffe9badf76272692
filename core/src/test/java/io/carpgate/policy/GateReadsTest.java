package io.carpgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.xmlrpc.BackupReader;
import io.carpgate.xmlrpc.KeptValues;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.ReadResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Deciding on a call read with only {@link Gate#READS} kept gives exactly the verdict of the full reading. */
class GateReadsTest {
    private static final String FILTER = "  <member><name>filter</name><value><struct>\n"
            + "  <member><name>rule</name><value><array><data>\n"
            + "  <value><struct><member><name>descr</name><value><string>x</string></value></member></struct></value>\n"
            + "</data></array></value></member>\n</struct></value></member>\n";

    static MethodCall read(byte[] body, KeptValues kept) {
        ReadResult result = BackupReader.read(body, kept);
        assertThat(result).isInstanceOf(ReadResult.Call.class);
        return ((ReadResult.Call) result).call();
    }

    @ParameterizedTest
    @ValueSource(strings = {"restore_config_section.request.xml", "restart_service.wireguard.request.xml",
        "firmware_version.request.xml"})
    void sameVerdictAsTheFullReading(String fixture) throws Exception {
        String text = Files.readString(Path.of(System.getProperty("carpgate.fixtures")).resolve(fixture),
                StandardCharsets.UTF_8);
        // A section no decision reads, before everything else in the restore.
        byte[] body = text.replaceFirst("<param><value><struct>\n", "<param><value><struct>\n" + FILTER)
                .getBytes(StandardCharsets.UTF_8);
        boolean rewritten = false;
        for (GateInputs in : new GateInputs[] {
            GateTest.inputs(GateTest.book(GateTest.wg0()), GateTest.view("BACKUP", "BACKUP")),
            GateTest.inputs(GateTest.book(), GateTest.view("MASTER", "BACKUP")),
            new GateInputs(GateTest.vhidMap(new VhidMapEntry("wg0-branches", 7, Optional.of("opt2"),
                    Optional.of(GateTest.BACKUP_VIP7))),
                    // marked No XMLRPC sync on the backup: the restore's own VIP 7 does not replace it
                    GateTest.book(), nosync7(), OnUnknownCarp.SUPPRESS),
        }) {
            Verdict full = Gate.decide(read(body, KeptValues.ALL), in);
            assertThat(Gate.decide(read(body, Gate.READS), in)).isEqualTo(full);
            rewritten |= full instanceof Verdict.Rewrite;
        }
        assertThat(rewritten).as("a restore is rewritten at least once").isEqualTo(fixture.startsWith("restore"));
    }

    private static io.carpgate.carp.CarpView nosync7() {
        io.carpgate.carp.CarpView.Known view = (io.carpgate.carp.CarpView.Known) GateTest.view("BACKUP", "BACKUP");
        return new io.carpgate.carp.CarpView.Known(view.vips().stream().map(v -> v.vhid() != 7 ? v
                : new io.carpgate.carp.BackupVip(v.uuid(), v.iface(), v.vhid(), v.address(), v.description(), true))
                .toList(), view.states(), view.fetchedAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"restore.three-kinds.request.xml", "restore.single-client-two-relays.request.xml",
        "restore.no-items.request.xml"})
    void sameVerdictForEveryKindWithAndWithoutVipSync(String fixture) {
        String text = new String(io.carpgate.testkit.Fixtures.items(fixture), StandardCharsets.UTF_8);
        GateInputs[] situations = {
            GateTest.inputs(GateTest.book(), GateTest.view("BACKUP", "BACKUP")),
            ItemKindsGateTest.mapped(GateTest.view("BACKUP", "MASTER"),
                    ItemKindsGateTest.entry(ItemKind.WIREGUARD, "wg0-branches", 7),
                    ItemKindsGateTest.entry(ItemKind.OPENVPN, "branch-client", 7),
                    ItemKindsGateTest.entry(ItemKind.OPENVPN, ItemKindsGateTest.CLIENT2, 2),
                    ItemKindsGateTest.entry(ItemKind.DHCRELAY, "lan", 2)),
        };
        for (byte[] body : List.of(text.replaceFirst("<param><value><struct>\n", "<param><value><struct>\n" + FILTER)
                .getBytes(StandardCharsets.UTF_8), ItemKindsGateTest.withoutVips(fixture))) {
            for (GateInputs in : situations) {
                Verdict full = Gate.decide(read(body, KeptValues.ALL), in);
                assertThat(Gate.decide(read(body, Gate.READS), in)).isEqualTo(full);
            }
        }
    }
}
