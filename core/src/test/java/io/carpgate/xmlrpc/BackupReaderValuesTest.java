package io.carpgate.xmlrpc;

import static io.carpgate.xmlrpc.Bodies.call;
import static io.carpgate.xmlrpc.Bodies.oneParam;
import static io.carpgate.xmlrpc.Bodies.onlyParam;
import static io.carpgate.xmlrpc.Bodies.slice;
import static io.carpgate.xmlrpc.Bodies.str;
import static io.carpgate.xmlrpc.Bodies.struct;
import static io.carpgate.xmlrpc.Bodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Value semantics as IXR's tag_close() gives them. */
class BackupReaderValuesTest {

    @Test
    void entitiesCharRefsAndCdataContributeTheirTextAndTheSlotCoversTheSource() {
        String raw = "a&amp;b&lt;&gt;&quot;&apos;&#233;&#x1F600;<![CDATA[<x>&amp;]]>z";
        byte[] body = utf8(oneParam("<value><string>" + raw + "</string></value>"));
        XmlRpcValue.Str s = str(call(body).params().get(0));
        assertThat(s.text()).isEqualTo("a&b<>\"'é😀<x>&amp;z");
        assertThat(slice(body, s.slot())).isEqualTo(raw);
    }

    @Test
    void commentsAndProcessingInstructionsAreSkippedAndTextAroundThemJoins() {
        String raw = "a<!-- c -->b<?pi x?>c";
        byte[] body = utf8(oneParam("<value><string>" + raw + "</string></value>"));
        XmlRpcValue.Str s = str(call(body).params().get(0));
        assertThat(s.text()).isEqualTo("abc");
        assertThat(slice(body, s.slot())).isEqualTo(raw);
    }

    @Test
    void lineEndingsAreNormalizedAsTheBackupsParserDoesButTheSlotKeepsTheRawBytes() {
        byte[] body = utf8(oneParam("<value><string>a\r\nb\rc</string></value>"));
        XmlRpcValue.Str s = str(call(body).params().get(0));
        assertThat(s.text()).isEqualTo("a\nb\nc");
        assertThat(slice(body, s.slot())).isEqualTo("a\r\nb\rc");
    }

    @Test
    void untypedTextIsAStringKeptUntrimmed() {
        byte[] body = utf8(oneParam("<value>  x \n</value>"));
        XmlRpcValue.Str s = str(call(body).params().get(0));
        assertThat(s.text()).isEqualTo("  x \n");
        assertThat(slice(body, s.slot())).isEqualTo("  x \n");
        assertThat(s.slot().open()).isEmpty();
    }

    @Test
    void untypedBlankValuesAreDroppedEverywhere() {
        assertThat(call(oneParam("<value></value>")).params()).isEmpty();
        assertThat(call(oneParam("<value/>")).params()).isEmpty();
        assertThat(call(oneParam("<value> \n\t<!-- c --> </value>")).params()).isEmpty();

        XmlRpcValue.Struct s = struct(onlyParam("<value><struct>"
                + "<member><name>gone</name><value>  </value></member>"
                + "<member><name>kept</name><value><string> </string></value></member>"
                + "</struct></value>"));
        assertThat(s.members().keySet()).containsExactly("kept");
        assertThat(s.str("kept").orElseThrow().text()).isEqualTo(" ");

        XmlRpcValue a = onlyParam("<value><array><data><value/><value>x</value><value>\n</value></data></array></value>");
        assertThat(((XmlRpcValue.Array) a).items()).hasSize(1);
    }

    @Test
    void emptyStringElementsAreEmptyStrings() {
        byte[] body = utf8(oneParam("<value><string></string></value>"));
        XmlRpcValue.Str s = str(call(body).params().get(0));
        assertThat(s.text()).isEmpty();
        assertThat(s.slot().start()).isEqualTo(s.slot().end());
        assertThat(s.slot().open()).isEmpty();
    }

    @Test
    void selfClosingStringSlotCoversTheWholeElement() {
        byte[] body = utf8(oneParam("<value><string/></value>"));
        XmlRpcValue.Str s = str(call(body).params().get(0));
        assertThat(s.text()).isEmpty();
        assertThat(slice(body, s.slot())).isEqualTo("<string/>");
        assertThat(s.slot().open()).isEqualTo("<string>");
        assertThat(s.slot().close()).isEqualTo("</string>");

        byte[] spaced = utf8(oneParam("<value><string  a=\"1\" /></value>"));
        assertThat(slice(spaced, str(call(spaced).params().get(0)).slot())).isEqualTo("<string  a=\"1\" />");
    }

    @Test
    void whitespaceAroundATypedValueIsFine() {
        assertThat(str(onlyParam("<value>\n  <string>x</string>\n</value>")).text()).isEqualTo("x");
    }

    @Test
    void attributesAreIgnoredAsIxrIgnoresThem() {
        assertThat(str(onlyParam("<value type=\"int\"><string lang=\"x\">x</string></value>")).text()).isEqualTo("x");
    }

    @Test
    void duplicateMembersLastWinsInTheFirstsPosition() {
        XmlRpcValue.Struct s = struct(onlyParam("<value><struct>"
                + "<member><name>a</name><value><string>1</string></value></member>"
                + "<member><name>b</name><value><string>2</string></value></member>"
                + "<member><name>a</name><value><string>3</string></value></member>"
                + "<member><name>b</name><value> </value></member>"
                + "</struct></value>"));
        assertThat(s.members().keySet()).containsExactly("a", "b");
        assertThat(s.str("a").orElseThrow().text()).isEqualTo("3");
        // A dropped (blank untyped) duplicate assigns nothing, so the earlier value stays.
        assertThat(s.str("b").orElseThrow().text()).isEqualTo("2");
    }

    @Test
    void methodNameAndMemberNamesArePhpTrimmed() {
        MethodCall call = call("<methodCall><methodName>\n opnsense.x \t</methodName><params><param><value><struct>"
                + "<member><name>\n  id \r\n</name><value><string>v</string></value></member>"
                + "<member><name> a b </name><value><string>w</string></value></member>"
                + "</struct></value></param></params></methodCall>");
        assertThat(call.methodName()).isEqualTo("opnsense.x");
        assertThat(struct(call.params().get(0)).members().keySet()).containsExactly("id", "a b");
    }

    @Test
    void emptyStructAndArrayAndParamsInOrder() {
        MethodCall call = call("<methodCall><methodName>m</methodName><params>"
                + "<param><value><struct/></value></param>"
                + "<param><value><array><data/></array></value></param>"
                + "<param><value><i4>7</i4></value></param>"
                + "</params></methodCall>");
        assertThat(call.params()).containsExactly(
                new XmlRpcValue.Struct(java.util.Map.of()), new XmlRpcValue.Array(List.of()), new XmlRpcValue.Int(7));
        assertThat(call("<methodCall><methodName>m</methodName></methodCall>").params()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "12|12", "' 12abc '|12", "-7|-7", "+5|5", "1e3|1000", "1.9|1", "-1.9|-1", "abc|0", "''|0",
        "99999999999999999999|9223372036854775807", "-99999999999999999999|-9223372036854775808",
        "1e999|0", "0x1A|0", ".5e1|5", "1e|1", "007|7"})
    void intAndI4FollowPhpIntCast(String text, long expected) {
        assertThat(onlyParam("<value><int>" + text + "</int></value>")).isEqualTo(new XmlRpcValue.Int(expected));
        assertThat(onlyParam("<value><i4>" + text + "</i4></value>")).isEqualTo(new XmlRpcValue.Int(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "1.5|1.5", "' -2.5x '|-2.5", "x|0.0", "''|0.0", "1e3|1000.0", ".25|0.25", "5.|5.0", "NaN|0.0", "INF|0.0"})
    void doubleFollowsPhpFloatCast(String text, double expected) {
        assertThat(onlyParam("<value><double>" + text + "</double></value>")).isEqualTo(new XmlRpcValue.Dbl(expected));
    }

    @Test
    void doubleOverflowIsInfinityAsStrtodGives() {
        assertThat(onlyParam("<value><double>1e999</double></value>"))
                .isEqualTo(new XmlRpcValue.Dbl(Double.POSITIVE_INFINITY));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "0|false", "''|false", "' 0 '|false", "1|true", "false|true", "00|true", "' '|false", "0.0|true"})
    void booleanFollowsPhpBoolCastOfTrimmedText(String text, boolean expected) {
        assertThat(onlyParam("<value><boolean>" + text + "</boolean></value>")).isEqualTo(new XmlRpcValue.Bool(expected));
    }

    @Test
    void base64KeepsTheRawTextAndDateTimeIsTrimmed() {
        assertThat(onlyParam("<value><base64>\n QUJD \n</base64></value>")).isEqualTo(new XmlRpcValue.Base64("\n QUJD \n"));
        assertThat(onlyParam("<value><dateTime.iso8601> 20240101T10:00:00 </dateTime.iso8601></value>"))
                .isEqualTo(new XmlRpcValue.DateTime("20240101T10:00:00"));
        assertThat(onlyParam("<value><int/></value>")).isEqualTo(new XmlRpcValue.Int(0));
        assertThat(onlyParam("<value><boolean/></value>")).isEqualTo(new XmlRpcValue.Bool(false));
    }
}
