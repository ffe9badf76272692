package io.carpgate.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IxrReaderTest {
    private static IxrMessage parse(String xml) {
        return IxrReader.parse(xml.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    }

    private static Object onlyParam(String valueXml) {
        return parse("<methodCall><methodName>m</methodName><params><param>" + valueXml
                + "</param></params></methodCall>").params().get(0);
    }

    @Test
    void aCarriageReturnInsideCdataStaysOneAsLibxml2KeepsItOutsideItBecomesALineFeed() {
        assertThat(onlyParam("<value><string><![CDATA[x\r]]></string></value>")).isEqualTo("x\r");
        assertThat(onlyParam("<value><string>x\r</string></value>")).isEqualTo("x\n");
        assertThat(onlyParam("<value><string><!-- <![CDATA[\r]]> -->y<![CDATA[a\r\nb]]></string></value>"))
                .isEqualTo("ya\r\nb");
    }

    @Test
    void textAfterATypedValueReplacesIt() {
        Object s = onlyParam("<value><struct><member><name>x</name><value><string>a</string>b</value></member></struct></value>");
        assertThat(s).isEqualTo(Map.of("x", "b"));
        Object kept = onlyParam("<value><struct><member><name>x</name><value><string>a</string>  </value></member></struct></value>");
        assertThat(kept).isEqualTo(Map.of("x", "a"));
    }

    @Test
    void untypedEmptyValuesDisappearTypedEmptyStringsStay() {
        Object s = onlyParam("<value><struct><member><name>a</name><value> </value></member>"
                + "<member><name>b</name><value><string></string></value></member></struct></value>");
        assertThat(s).isEqualTo(Map.of("b", ""));
        Object a = onlyParam("<value><array><data><value></value><value>x</value><value>\n</value></data></array></value>");
        assertThat(a).isEqualTo(List.of("x"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void duplicateMembersLastWinsInTheFirstPosition() {
        Map<String, Object> s = (Map<String, Object>) onlyParam("<value><struct>"
                + "<member><name>id</name><value>one</value></member>"
                + "<member><name>service</name><value>wireguard</value></member>"
                + "<member><name> id </name><value>two</value></member></struct></value>");
        assertThat(s.keySet()).containsExactly("id", "service");
        assertThat(s.get("id")).isEqualTo("two");
    }

    @Test
    void namesAndMethodNameAreTrimmedStringValuesAreNot() {
        IxrMessage m = parse("<methodCall><methodName>\n opnsense.list_services\t</methodName><params>"
                + "<param><value><string>  a  </string></value></param>"
                + "<param><value>  b  </value></param></params></methodCall>");
        assertThat(m.messageType()).isEqualTo("methodCall");
        assertThat(m.methodName()).isEqualTo("opnsense.list_services");
        assertThat(m.params()).containsExactly("  a  ", "  b  ");
    }

    @Test
    void scalarsCastLikePhp() {
        IxrMessage m = parse("<methodCall><params>"
                + "<param><value><int> 12abc </int></value></param>"
                + "<param><value><i4>x</i4></value></param>"
                + "<param><value><double>1.5e1z</double></value></param>"
                + "<param><value><boolean>false</boolean></value></param>"
                + "<param><value><boolean>0</boolean></value></param>"
                + "<param><value><base64>aGVs*bG8=\n</base64></value></param>"
                + "<param><value><dateTime.iso8601>20250101T10:11:12</dateTime.iso8601></value></param>"
                + "</params></methodCall>");
        assertThat(m.params()).containsExactly(12L, 0L, 15.0, true, false, "hello", new IxrDate("20250101T10:11:12"));
        assertThat(((IxrDate) m.params().get(6)).minute()).isEqualTo("11");
    }

    @Test
    void declarationIsStrippedSoItsEncodingIsIgnored() {
        byte[] utf8 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<methodCall><methodName>é</methodName></methodCall>"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(IxrReader.parse(utf8).orElseThrow().methodName()).isEqualTo("é");
    }

    @Test
    void internalEntitiesExpandCdataAndReferencesCount() {
        IxrMessage m = parse("<!DOCTYPE methodCall [<!ENTITY svc \"wire\">]><methodCall>"
                + "<methodName>&svc;<![CDATA[guard]]>&#x21;</methodName></methodCall>");
        assertThat(m.methodName()).isEqualTo("wireguard!");
    }

    @Test
    void externalEntitiesAreNeverLoaded(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "LEAKED");
        var parsed = IxrReader.parse(("<!DOCTYPE methodCall [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + "<methodCall><methodName>a&x;b</methodName></methodCall>").getBytes(StandardCharsets.UTF_8));
        parsed.ifPresent(m -> assertThat(m.methodName()).doesNotContain("LEAKED"));
        var dtd = IxrReader.parse(("<!DOCTYPE methodCall SYSTEM \"" + secret.toUri() + "\">"
                + "<methodCall><methodName>m</methodName></methodCall>").getBytes(StandardCharsets.UTF_8));
        assertThat(dtd).isPresent();
    }

    @Test
    void notWellFormedOrEmptyIsAParseFailure() {
        assertThat(IxrReader.parse("<methodCall><methodName>x</methodCall>".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(IxrReader.parse("<?xml version=\"1.0\"?>  \n".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(IxrReader.parse("<methodCall>&undefined;</methodCall>".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void namespacesAreNotInterpreted() {
        assertThat(parse("<methodCall xmlns:x=\"u\"><x:methodName>m</x:methodName></methodCall>").methodName()).isEmpty();
    }

    @Test
    void writerEscapesLikeHtmlspecialcharsButNotMemberNames() {
        assertThat(IxrWriter.value(new java.util.LinkedHashMap<>(Map.of("a&b", "it's <x> & \"y\""))))
                .isEqualTo("<struct>\n  <member><name>a&b</name><value><string>it&#039;s &lt;x&gt; &amp; &quot;y&quot;</string></value></member>\n</struct>");
    }
}
