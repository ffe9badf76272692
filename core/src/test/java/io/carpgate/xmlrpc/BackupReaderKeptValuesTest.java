package io.carpgate.xmlrpc;

import static io.carpgate.xmlrpc.Bodies.fixture;
import static io.carpgate.xmlrpc.Bodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keeping only some values changes what the tree holds, never what is accepted or what the kept values are. */
class BackupReaderKeptValuesTest {
    static final String RESTORE = "opnsense.restore_config_section";
    static final KeptValues WIREGUARD_AND_VIPS = KeptValues.only(RESTORE,
            List.of(List.of("OPNsense", "wireguard"), List.of("virtualip")));

    /** The WireGuard fixture with a firewall section before it and another OPNsense module inside it. */
    static String padded(String filterRuleExtra) {
        String fixture = new String(fixture("restore_config_section.request.xml"), StandardCharsets.UTF_8);
        String filter = "  <member><name>filter</name><value><struct>\n"
                + "  <member><name>rule</name><value><array><data>\n"
                + "  <value><struct><member><name>descr</name><value><string>a &amp; b</string></value></member>"
                + "<member><name>n</name><value><int>7</int></value></member>" + filterRuleExtra + "</struct></value>\n"
                + "  <value>untyped</value><value>  </value>\n"
                + "</data></array></value></member>\n</struct></value></member>\n";
        String module = "  <member><name>unboundplus</name><value><struct>"
                + "<member><name>enabled</name><value><boolean>1</boolean></value></member></struct></value></member>\n";
        String withFilter = fixture.replaceFirst("<param><value><struct>\n", "<param><value><struct>\n" + filter);
        return withFilter.replaceFirst("(<member><name>OPNsense</name><value><struct>\n)", "$1" + module);
    }

    @Test
    void keptSectionsAreExactlyTheFullReadingsAndTheRestHoldsItsPlace() {
        byte[] body = utf8(padded(""));
        XmlRpcValue.Struct full = (XmlRpcValue.Struct) ((ReadResult.Call) BackupReader.read(body)).call().params().get(0);
        ReadResult kept = BackupReader.read(body, WIREGUARD_AND_VIPS);
        assertThat(kept).isInstanceOf(ReadResult.Call.class);
        XmlRpcValue.Struct sections = (XmlRpcValue.Struct) ((ReadResult.Call) kept).call().params().get(0);

        assertThat(sections.members().keySet()).containsExactlyElementsOf(full.members().keySet());
        assertThat(sections.get("filter")).contains(XmlRpcValue.Unread.VALUE);
        assertThat(sections.get("virtualip")).isEqualTo(full.get("virtualip")); // slots included
        XmlRpcValue.Struct opnsense = sections.struct("OPNsense").orElseThrow();
        XmlRpcValue.Struct fullOpnsense = full.struct("OPNsense").orElseThrow();
        assertThat(opnsense.members().keySet()).containsExactly("unboundplus", "wireguard");
        assertThat(opnsense.get("unboundplus")).contains(XmlRpcValue.Unread.VALUE);
        assertThat(opnsense.get("wireguard")).isEqualTo(fullOpnsense.get("wireguard"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<member><name>x</name><value><nil/></value></member>",
        "<member><name>x</name><value><string>a</string><string>b</string></value></member>",
        "<member><name>x</name><value>text<string>b</string></value></member>",
        "<member><name>x</name></member>",
        "<member><name>x</name><value><array></array></value></member>",
        "<member><name>x</name><value><string><b/></string></value></member>",
        "stray text",
        "<member><name>x</name><value><string>&undefined;</string></value></member>",
        "<member><name>x</name><value><string>not closed</value></member>",
    })
    void whatIsNotKeptIsStillCheckedTheSameWay(String extra) {
        byte[] body = utf8(padded(extra));
        ReadResult full = BackupReader.read(body);
        assertThat(full).isInstanceOf(ReadResult.Unreadable.class);
        assertThat(BackupReader.read(body, WIREGUARD_AND_VIPS)).isEqualTo(full);
    }

    /** Names of a member in a section not kept: built there by neither reading, but bounded and checked alike. */
    static java.util.stream.Stream<String> memberNames() {
        String max = "x".repeat(ReaderLimits.defaults().maxNameLength());
        return java.util.stream.Stream.of(
                max, max + "x", "  " + max + " \t\n", "  " + max + "x\n", " " + "a b ".repeat(300) + " ",
                " ".repeat(5000), "", "a<b/>c", "<b/>", "a<!-- c -->b", " a<![CDATA[ b ]]>c ", "&#32;" + max + "&#32;",
                "&#32;" + max + "x", "&lt;" + "y".repeat(1023), "&lt;" + "y".repeat(1024),
                " ".repeat(ReaderLimits.DEFAULT_MAX_KEPT_CHARS) + "a", " ".repeat(ReaderLimits.DEFAULT_MAX_KEPT_CHARS));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("memberNames")
    void anUnkeptMembersNameIsCheckedAsAKeptOnesIs(String name) {
        byte[] body = utf8(padded("<member><name>" + name + "</name><value><int>1</int></value></member>"));
        ReadResult full = BackupReader.read(body);
        ReadResult kept = BackupReader.read(body, WIREGUARD_AND_VIPS);
        if (full instanceof ReadResult.Unreadable) {
            assertThat(kept).isEqualTo(full);
        } else {
            assertThat(kept).isInstanceOf(ReadResult.Call.class);
        }
    }

    @Test
    void theNameBoundsRejectInAnUnkeptSectionWithTheirOwnWords() {
        String max = "x".repeat(ReaderLimits.defaults().maxNameLength());
        assertThat(BackupReader.read(utf8(padded("<member><name> " + max + "x </name><value><int>1</int></value></member>")),
                WIREGUARD_AND_VIPS)).isEqualTo(new ReadResult.Unreadable(Rejection.INVALID_REQUEST, "name longer than 1024"));
        assertThat(BackupReader.read(utf8(padded("<member><name>" + " ".repeat(ReaderLimits.DEFAULT_MAX_KEPT_CHARS + 1)
                + "</name><value><int>1</int></value></member>")), WIREGUARD_AND_VIPS))
                .isEqualTo(new ReadResult.Unreadable(Rejection.INVALID_REQUEST,
                        "name text longer than 1048576 chars in a value carpgate reads to decide"));
        assertThat(BackupReader.read(utf8(padded("<member><name> " + max + " </name><value><int>1</int></value></member>")),
                WIREGUARD_AND_VIPS)).isInstanceOf(ReadResult.Call.class);
    }

    @Test
    void otherMethodsKeepEverything() {
        byte[] body = fixture("restart_service.wireguard.request.xml");
        assertThat(BackupReader.read(body, WIREGUARD_AND_VIPS)).isEqualTo(BackupReader.read(body));
        byte[] renamed = utf8(padded("").replace(RESTORE, "opnsense.backup_config_section"));
        assertThat(BackupReader.read(renamed, WIREGUARD_AND_VIPS)).isEqualTo(BackupReader.read(renamed));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aShorterPathKeepsEverythingBelowIt(boolean shorterFirst) {
        List<String> longer = List.of("OPNsense", "wireguard");
        List<String> shorter = List.of("OPNsense");
        KeptValues kept = KeptValues.only(RESTORE, shorterFirst ? List.of(shorter, longer) : List.of(longer, shorter));
        byte[] body = utf8(padded(""));
        XmlRpcValue.Struct full = (XmlRpcValue.Struct) ((ReadResult.Call) BackupReader.read(body)).call().params().get(0);
        XmlRpcValue.Struct sections = (XmlRpcValue.Struct) ((ReadResult.Call) BackupReader.read(body, kept)).call()
                .params().get(0);
        assertThat(sections.get("OPNsense")).isEqualTo(full.get("OPNsense"));
        assertThat(sections.get("filter")).contains(XmlRpcValue.Unread.VALUE);
        assertThat(sections.get("virtualip")).contains(XmlRpcValue.Unread.VALUE);
    }
}
