package io.carpgate.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.reference.PhpValues.PhpArray;
import io.carpgate.reference.PhpValues.PhpDate;
import io.carpgate.reference.ReferenceBackup.Action;
import io.carpgate.reference.ReferenceBackup.Service;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference backup on the fixtures and on PROTOCOL.md's rules, one rule per test. */
class ReferenceBackupTest {
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    static final String WG1 = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
    static final ReferenceBackup BACKUP = new ReferenceBackup(List.of(Service.of("unbound"),
            Service.of("wireguard", WG0), Service.of("wireguard", WG1)));

    static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(Path.of(System.getProperty("carpgate.fixtures"), name));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String call(String method, String params) {
        return "<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>" + method + "</methodName>\n<params>\n"
                + params + "</params></methodCall>";
    }

    static String control(String members) {
        return "<param><value><struct>" + members + "</struct></value></param>";
    }

    static String member(String name, String value) {
        return "<member><name>" + name + "</name><value>" + value + "</value></member>";
    }

    static List<Action> actions(String body) {
        return BACKUP.run(bytes(body)).actions();
    }

    @Test
    void theWireGuardRestartFixtureRestartsThatInstance() throws Exception {
        ReferenceBackup.Run run = BACKUP.run(fixture("restart_service.wireguard.request.xml"));
        assertThat(run.end()).isEqualTo("ok");
        assertThat(run.calls()).containsExactly("opnsense.restart_service");
        assertThat(run.actions()).containsExactly(new Action("restart", Service.of("wireguard", WG0)));
        assertThat(run.startsWireGuard()).isTrue();
    }

    @Test
    void theFirmwareVersionFixtureRunsAndStartsNothing() throws Exception {
        ReferenceBackup.Run run = BACKUP.run(fixture("firmware_version.request.xml"));
        assertThat(run.calls()).containsExactly("opnsense.firmware_version");
        assertThat(run.actions()).isEmpty();
        assertThat(IxrParse.parse(fixture("firmware_version.request.xml")).params()).isNull();
    }

    @Test
    void theRestoreFixtureReadsToTheWireGuardSections() throws Exception {
        IxrParse.Message m = IxrParse.parse(fixture("restore_config_section.request.xml"));
        assertThat(m.ok()).isTrue();
        assertThat(m.messageType()).isEqualTo("methodCall");
        assertThat(m.methodName()).isEqualTo("opnsense.restore_config_section");
        assertThat(m.params()).hasSize(1);
        PhpArray sections = (PhpArray) m.params().get(0);
        PhpArray wireguard = (PhpArray) ((PhpArray) sections.get("OPNsense")).get("wireguard");
        Object server = ((PhpArray) ((PhpArray) wireguard.get("server")).get("servers")).get("server");
        PhpArray first = server instanceof PhpArray a && a.has(0L) ? (PhpArray) a.get(0L) : (PhpArray) server;
        assertThat(first.has("carp_depend_on")).isTrue();
        assertThat(((PhpArray) first.get("@attributes")).get("uuid")).isInstanceOf(String.class);
    }

    @Test
    void responsesAndFaultFixturesAreNoCalls() throws Exception {
        for (String name : List.of("list_services.response.xml", "restart_service.response.xml",
                "auth_failed.response.xml", "fault.unknown_method.response.xml", "list_services.struct.response.xml",
                "restart_service.named.response.xml")) {
            ReferenceBackup.Run run = BACKUP.run(fixture(name));
            assertThat(run.end()).as(name).isEqualTo("fault -32600");
            assertThat(run.calls()).as(name).isEmpty();
        }
        IxrParse.Message services = IxrParse.parse(fixture("list_services.response.xml"));
        PhpArray list = (PhpArray) services.params().get(0);
        assertThat(((PhpArray) list.get(1L)).get("id")).isEqualTo(WG0);
        assertThat(((PhpArray) list.get(0L)).get("status")).isEqualTo(true);
        // 25.7-26.7: a struct keyed by each service's place before the sort; a master's foreach walks it in the
        // order written, so the keys are all that differ. WireGuard's entry (nocheck) reports status true.
        PhpArray keyed = (PhpArray) IxrParse.parse(fixture("list_services.struct.response.xml")).params().get(0);
        assertThat(((PhpArray) keyed.get("4")).get("name")).isEqualTo("cron");
        PhpArray wireguard = keyed.values().stream().map(PhpArray.class::cast)
                .filter(e -> "wireguard".equals(e.get("name"))).findFirst().orElseThrow();
        assertThat(wireguard.get("id")).isEqualTo(WG0);
        assertThat(wireguard.get("status")).isEqualTo(true);
    }

    @Test
    void namesAreTrimmedTypedStringsAreNot() {
        assertThat(actions(call(" \n opnsense.restart_service\t", control(
                member(" service\r\n", "<string>wireguard</string>") + member("\tid ", "<string>" + WG1 + "</string>")))))
                .containsExactly(new Action("restart", Service.of("wireguard", WG1)));
        assertThat(actions(call("opnsense.restart_service", control(member("service", "<string> wireguard</string>")))))
                .isEmpty();
        assertThat(IxrParse.parse(bytes(call("m", "<param><value><string> x </string></value></param>"))).params())
                .containsExactly(" x ");
    }

    @Test
    void untypedValuesAreStringsOnlyWhenNotBlank() {
        IxrParse.Message m = IxrParse.parse(bytes(call("m", "<param><value> a </value></param><param><value>  \n</value></param>"
                + "<param><value><string></string></value></param><param><value><string/></value></param>")));
        assertThat(m.params()).containsExactly(" a ", "", "");
        // A blank untyped id is dropped: no id, so the first wireguard.
        assertThat(actions(call("opnsense.start_service", control(member("service", "wireguard") + member("id", "   ")))))
                .containsExactly(new Action("start", Service.of("wireguard", WG0)));
    }

    @Test
    void typesConvertAsPhpCastsDo() {
        IxrParse.Message m = IxrParse.parse(bytes(call("m", "<param><value><int> 12abc</int></value></param>"
                + "<param><value><i4>-3</i4></value></param><param><value><double>1.5e1x</double></value></param>"
                + "<param><value><boolean>0</boolean></value></param><param><value><boolean>false</boolean></value></param>"
                + "<param><value><base64>d2lyZWd1YXJk</base64></value></param>"
                + "<param><value><dateTime.iso8601> 20240101T10:00:00 </dateTime.iso8601></value></param>"
                + "<param><value><array><data><value>a</value><value><int>1</int></value></data></array></value></param>")));
        assertThat(m.params()).hasSize(8);
        assertThat(m.params().subList(0, 7)).containsExactly(12L, -3L, 15.0, false, true, "wireguard",
                new PhpDate("20240101T10:00:00"));
        PhpArray array = (PhpArray) m.params().get(7);
        assertThat(array.values()).containsExactly("a", 1L);
    }

    @Test
    void duplicateMembersLastWinsInTheFirstPosition() {
        IxrParse.Message m = IxrParse.parse(bytes(call("m", control(member("a", "1") + member("b", "2") + member("a", "3")))));
        PhpArray s = (PhpArray) m.params().get(0);
        assertThat(s.asMap().keySet()).containsExactly("a", "b");
        assertThat(s.get("a")).isEqualTo("3");
        assertThat(actions(call("opnsense.restart_service", control(member("service", "<string>wireguard</string>")
                + member("service", "<string>unbound</string>"))))).containsExactly(new Action("restart", Service.of("unbound")));
    }

    @Test
    void textJoinsAcrossReferencesCdataCommentsAndProcessingInstructions() {
        String service = "<string>&#119;i<![CDATA[re]]>g<!-- c -->u<?pi x?>ard</string>";
        assertThat(actions(call("opnsense.restart_service", control(member("service", service)))))
                .containsExactly(new Action("restart", Service.of("wireguard", WG0)));
    }

    @Test
    void internalEntitiesAreExpanded() {
        String body = "<?xml version=\"1.0\"?>\n<!DOCTYPE methodCall [<!ENTITY s \"wireguard\">]>\n"
                + "<methodCall><methodName>opnsense.start_service</methodName><params>"
                + control(member("service", "<string>&s;</string>")) + "</params></methodCall>";
        assertThat(actions(body)).containsExactly(new Action("start", Service.of("wireguard", WG0)));
    }

    @Test
    void serviceLookupFollowsLooseEqualityAndEmptyIds() {
        String m = "opnsense.restart_service";
        assertThat(actions(call(m, control(member("service", "<string>*</string>") + member("id", "<string>" + WG1 + "</string>")))))
                .containsExactly(new Action("restart", Service.of("wireguard", WG1)));
        // '*' with no id: service_by_name() then filters on name == '*', which no service has (this test
        // expected the first service of the list before util.inc was read).
        assertThat(actions(call(m, control(member("service", "<string>*</string>"))))).isEmpty();
        // true == '*' is a wildcard too, but its filter name == true matches the first non-empty name.
        assertThat(actions(call(m, control(member("service", "<boolean>1</boolean>")))))
                .containsExactly(new Action("restart", Service.of("unbound")));
        // A boolean true equals any non-empty name.
        assertThat(actions(call(m, control(member("service", "<boolean>1</boolean>") + member("id", "<string>" + WG1 + "</string>")))))
                .containsExactly(new Action("restart", Service.of("wireguard", WG1)));
        for (String emptyId : List.of("<string>0</string>", "<string></string>", "<int>0</int>", "<boolean>0</boolean>")) {
            assertThat(actions(call(m, control(member("service", "wireguard") + member("id", emptyId)))))
                    .as(emptyId).containsExactly(new Action("restart", Service.of("wireguard", WG0)));
        }
        assertThat(actions(call(m, control(member("service", "wireguard") + member("id", "<string>nope</string>"))))).isEmpty();
        assertThat(actions(call(m, control(member("service", "Wireguard"))))).isEmpty();
    }

    @Test
    void answersNameTheServiceWithItsIdAndAStringParameterKillsTheRequest() throws Exception {
        ReferenceBackup.Run run = BACKUP.run(fixture("restart_service.wireguard.request.xml"));
        // The answer the backup writes (restart_service.named.response.xml), not the older fixture's.
        assertThat(run.actions().get(0).answer()).isEqualTo("Service `wireguard[" + WG0 + "]' has been restarted.");
        assertThat(new String(fixture("restart_service.named.response.xml"), StandardCharsets.UTF_8))
                .contains(run.actions().get(0).answer().replace("'", "&#039;"));
        assertThat(new Action("restart", Service.of("unbound")).answer()).isEqualTo("Service `unbound' has been restarted.");

        String m = "opnsense.restart_service";
        assertThat(BACKUP.run(bytes(call(m, "<param><value><string>wireguard</string></value></param>"))).end())
                .isEqualTo("fatal");
        assertThat(BACKUP.run(bytes(call(m, "<param><value><int>1</int></value></param>"))).end()).isEqualTo("ok");
        // Inside a multicall the fatal error ends the whole request: the start after it never runs.
        String entry = "<value><struct>" + member("methodName", "<string>opnsense.start_service</string>")
                + member("params", "<array><data><value>%s</value></data></array>") + "</struct></value>";
        String body = call("system.multicall", "<param><value><array><data>"
                + entry.formatted("<string>wireguard</string>")
                + entry.formatted("<struct>" + member("service", "wireguard") + "</struct>")
                + "</data></array></value></param>");
        ReferenceBackup.Run multicall = BACKUP.run(bytes(body));
        assertThat(multicall.end()).isEqualTo("fatal");
        assertThat(multicall.actions()).isEmpty();
    }

    @Test
    void multicallRunsEveryEntryButNoNestedMulticall() {
        String entry = "<value><struct>" + member("methodName", "<string>opnsense.start_service</string>")
                + member("params", "<array><data><value><struct>" + member("service", "<string>wireguard</string>")
                + member("id", "<string>" + WG1 + "</string>") + "</struct></value></data></array>") + "</struct></value>";
        String nested = "<value><struct>" + member("methodName", "system.multicall") + member("params", "<array><data>"
                + "<value><array><data>" + entry + "</data></array></value></data></array>") + "</struct></value>";
        ReferenceBackup.Run run = BACKUP.run(bytes(call("system.multicall",
                "<param><value><array><data>" + entry + nested + "</data></array></value></param>")));
        assertThat(run.calls()).containsExactly("system.multicall", "opnsense.start_service");
        assertThat(run.actions()).containsExactly(new Action("start", Service.of("wireguard", WG1)));
    }

    @Test
    void multicallParamsGivenAsAStructStillRun() {
        String params = "<struct>" + member("service", "<string>wireguard</string>") + member("id", "<string>" + WG1 + "</string>") + "</struct>";
        String entry = "<value><struct>" + member("methodName", "opnsense.restart_service") + member("params", params) + "</struct></value>";
        assertThat(actions(call("system.multicall", "<param><value><array><data>" + entry + "</data></array></value></param>")))
                .containsExactly(new Action("restart", Service.of("wireguard", WG1)));
    }

    @Test
    void declarationStripIsTheFirstMatchInTheFirst100BytesAndIgnoresItsEncoding() {
        String plain = call("opnsense.start_service", control(member("service", "wireguard")));
        String iso = plain.replace("<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>");
        assertThat(actions(iso)).hasSize(1);
        // Non-ASCII text stays UTF-8 even when the stripped declaration says otherwise.
        IxrParse.Message m = IxrParse.parse(bytes(iso.replace("<methodName>", "<methodName>\u00e9")));
        assertThat(m.methodName()).isEqualTo("\u00e9opnsense.start_service");
        // Anything in the first 100 bytes matching <?xml...?> is cut, even mid-document.
        String mid = "<methodCall><methodName>opnsense.<?xml x?>start_service</methodName><params>"
                + control(member("service", "wireguard")) + "</params></methodCall>";
        assertThat(actions(mid)).hasSize(1);
        // Whitespace left before a second declaration makes libxml2 fail.
        assertThat(BACKUP.run(bytes("<?xml version=\"1.0\"?>\n<?xml version=\"1.0\"?>" + plain.substring(plain.indexOf("<methodCall>"))))
                .end()).isEqualTo("fault -32700");
        assertThat(BACKUP.run(bytes("<?xml version=\"1.0\"?><?xml version=\"1.0\"?>" + plain.substring(plain.indexOf("<methodCall>"))))
                .actions()).hasSize(1);
    }

    @Test
    void libxml2KeepsACarriageReturnInsideCdataOnlyAndTheStripCrossesIt() {
        IxrParse.Message m = IxrParse.parse(bytes(call("m", "<param><value><string><![CDATA[a\r]]></string></value></param>"
                + "<param><value><string>a\r</string></value></param>"
                + "<param><value><string><!-- <![CDATA[\r]]> -->b<![CDATA[\r\n]]></string></value></param>")));
        assertThat(m.params()).containsExactly("a\r", "a\n", "b\r\n");
        // '.' without /s matches CR: a declaration spanning one is stripped and its UTF-7 ignored; across LF, kept.
        String plain = call("opnsense.start_service", control(member("service", "wireguard")));
        String body = plain.substring(plain.indexOf("<methodCall>"));
        assertThat(actions("<?xml version=\"1.0\"\r encoding=\"UTF-7\"?>" + body)).hasSize(1);
        assertThat(BACKUP.run(bytes("<?xml version=\"1.0\"\n encoding=\"UTF-7\"?>" + body)).end()).isEqualTo("fault -32700");
    }

    @Test
    void faultsForUnparsableNonCallsAndUnknownMethods() {
        assertThat(BACKUP.run(bytes("  \n ")).end()).isEqualTo("fault -32700");
        assertThat(BACKUP.run(bytes("<methodCall><methodName>x</methodName>")).end()).isEqualTo("fault -32700");
        assertThat(BACKUP.run(bytes("<methodResponse><params/></methodResponse>")).end()).isEqualTo("fault -32600");
        assertThat(BACKUP.run(bytes(call("opnsense.nope", ""))).end()).isEqualTo("fault -32601");
        assertThat(BACKUP.run(bytes(call("Opnsense.start_service", control(member("service", "wireguard"))))).actions()).isEmpty();
    }
}
