package io.carpgate.xmlrpc;

import static io.carpgate.xmlrpc.Bodies.call;
import static io.carpgate.xmlrpc.Bodies.oneParam;
import static io.carpgate.xmlrpc.Bodies.rejected;
import static io.carpgate.xmlrpc.Bodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where IXR is lenient or would read differently, carpgate rejects. Bodies mark their content SECRET. */
class BackupReaderRejectionsTest {

    private static int codeOf(String body) {
        return rejected(body).faultCode();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<value><string>a</string>SECRET</value>",          // IXR: two values
        "<value>SECRET<string>a</string></value>",          // IXR: text lost
        "<value><string>a</string><string>b</string></value>",
        "<value><String>SECRET</String></value>",           // wrong case
        "<value><nil/></value>",
        "<value><ex:nil/></value>",
        "<value><i8>1</i8></value>",
        "<value><string>a<b/>SECRET</string></value>",      // element inside a text-only type
        "<value><struct><member><value><string>SECRET</string></value><name>n</name></member></struct></value>",
        "<value><struct><member><value><string>SECRET</string></value></member></struct></value>",
        "<value><struct><member><name>n</name></member></struct></value>",
        "<value><struct><member><name>n</name><value>a</value><value>SECRET</value></member></struct></value>",
        "<value><struct><name>n</name><value>SECRET</value></struct></value>",
        "<value><struct>SECRET<member><name>n</name><value>a</value></member></struct></value>",
        "<value><struct><member><name>n<i4>1</i4></name><value>SECRET</value></member></struct></value>",
        "<value><array><value>SECRET</value></array></value>",  // missing data
        "<value><array/></value>",                               // IXR drops it silently
        "<value><array><data/><data/></array></value>",
        "<value><array><data><string>SECRET</string></data></array></value>",
        "<value><array><data><value>a</value></data>SECRET</array></value>",
    })
    void oddValueShapesAreRejectedAsInvalidRequests(String value) {
        assertThat(codeOf(oneParam(value))).isEqualTo(-32600);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<value>a\uFFFF</value>",
        "<value><string>\uFFFE</string></value>",
        "<!-- \uFFFF --><value>a</value>",
        "<value><![CDATA[\uFFFF]]></value>",
    })
    void nonCharactersTheBackupsParserFailsOnAreRejectedWherever(String value) {
        // Found by the reader fuzz test: Woodstox lets U+FFFE and U+FFFF through in text, libxml2 does not.
        assertThat(rejected(oneParam(value)).reason()).contains("character not allowed in XML");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<value\u0014>a</value>",
        "<value a=\"1\"\u0001b=\"2\">a</value>",
        "<!--\u001f--><value>a</value>",
        "<value><![CDATA[\u0008]]></value>",
        "<value>a\u000b</value>",
    })
    void controlCharactersAreRejectedInMarkupAsInText(String value) {
        // Found by the long fuzz run: Woodstox skips C0 controls like white space inside a tag or declaration.
        assertThat(rejected(oneParam(value)).reason()).contains("character not allowed in XML");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<value><![CDATA[]]>]]></value>",
        "<value>a]]>b</value>",
        "<value><string>]]></string></value>",
        "<value><struct><member><name>n]]></name><value>a</value></member></struct></value>",
    })
    void closingCdataMarkerInTextIsRejected(String value) {
        // Found by the long fuzz run: libxml2 fails on "]]>" in character data, Woodstox let one through.
        assertThat(rejected(oneParam(value)).reason()).contains("\"]]>\" in text");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<value><![CDATA[a\r]]></value>",
        "<value><string><![CDATA[5f3c1a9e\r\n]]></string></value>",
        "<value><string>x<![CDATA[\r]]>y</string></value>",
    })
    void carriageReturnInsideCdataIsRejected(String value) {
        // The backup's libxml2 keeps a CR inside CDATA where Woodstox reads LF: the two would differ.
        assertThat(rejected(oneParam(value)).reason()).contains("carriage return inside a CDATA section");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<value>a\rb</value>",
        "<value><string>a\r\nb</string></value>",
        "<value><!-- <![CDATA[\r]]> -->a</value>",
        "<value><?pi <![CDATA[\r]]>?>a</value>",
        "<value><![CDATA[a]]>\r</value>",
    })
    void carriageReturnOutsideCdataReadsAsLineFeedAsOnTheBackup(String value) {
        XmlRpcValue.Str s = Bodies.str(call(oneParam(value)).params().get(0));
        assertThat(s.text()).doesNotContain("\r");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<value><!-- ]]> -->a</value>",
        "<value><?pi ]]>?>a</value>",
        "<value a=\"]]>\" b='>]]>'>a</value>",
        "<value><![CDATA[]]]]><![CDATA[>]]>a</value>",
        "<value>]] ]>a]]</value>",
    })
    void closingCdataMarkerWhereXmlAllowsItStillReads(String value) {
        assertThat(call(oneParam(value)).params()).hasSize(1);
    }

    @Test
    void theSameShapesReadWhenMadeRegular() {
        // Guards the rejections above against rejecting everything.
        assertThat(call(oneParam("<value><struct><member><name>n</name><value>a</value></member></struct></value>"))
                .params()).hasSize(1);
        assertThat(call(oneParam("<value><array><data><value>a</value></data></array></value>")).params()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<methodCall><methodName>a</methodName><methodName>SECRET</methodName></methodCall>",
        "<methodCall><params><param><value>SECRET</value></param></params><methodName>a</methodName></methodCall>",
        "<methodCall><params/></methodCall>",
        "<methodCall/>",
        "<methodCall><methodName>a</methodName><params><value>SECRET</value></params></methodCall>",
        "<methodCall><methodName>a</methodName><value>SECRET</value></methodCall>",
        "<methodCall><methodName>a</methodName><params><param></param></params></methodCall>",
        "<methodCall><methodName>a</methodName><params><param><value>a</value><value>SECRET</value></param></params></methodCall>",
        "<methodCall><methodName>a</methodName><params/><params/></methodCall>",
        "<methodCall><methodName>a</methodName>SECRET</methodCall>",
        "<methodCall><methodName>a<b/></methodName></methodCall>",
        "<methodResponse><params><param><value>SECRET</value></param></params></methodResponse>",
        "<SECRET/>",
        "<methodcall><methodName>a</methodName></methodcall>",
    })
    void callShapesOtherThanTheOneAcceptedAreRejected(String body) {
        assertThat(codeOf(body)).isEqualTo(-32600);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<methodCall><methodName>SECRET</methodName>",
        "<methodCall><methodName>SECRET</methodName></methodCall><methodCall/>",
        "<methodCall><methodName>SECRET</methodName></methodCall>SECRET",
        "<methodCall><methodName>a&SECRET;</methodName></methodCall>",
        "<methodCall><methodName>a&#0;SECRET</methodName></methodCall>",
        "<methodCall><methodName>a</methodName><params><param><value>\u0001SECRET</value></param></params></methodCall>",
        "<methodCall><methodName>SECRET</methodName></methodCall",
        "<methodCall><methodName a='1' a='2'>SECRET</methodName></methodCall>",
    })
    void malformedXmlIsNotWellFormed(String body) {
        assertThat(codeOf(body)).isEqualTo(-32700);
    }

    @Test
    void invalidUtf8IsRejectedWithItsByteOffset() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String head = "<methodCall><methodName>SECRET";
        body.writeBytes(utf8(head));
        body.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28}); // lead byte without continuation
        body.writeBytes(utf8("</methodName></methodCall>"));
        ReadResult.Unreadable r = rejected(body.toByteArray());
        assertThat(r.faultCode()).isEqualTo(-32700);
        assertThat(r.reason()).contains("byte " + head.length());

        byte[] overlong = utf8("<methodCall><methodName>aXX</methodName></methodCall>");
        overlong[25] = (byte) 0xC0; // overlong encoding of '/'... must not be accepted as '/'
        overlong[26] = (byte) 0xAF;
        assertThat(rejected(overlong).faultCode()).isEqualTo(-32700);
    }

    @Test
    void doctypeWithInternalEntityIsRejected() {
        String body = "<?xml version=\"1.0\"?>\n<!DOCTYPE methodCall [<!ENTITY e \"SECRET\">]>"
                + "<methodCall><methodName>&e;</methodName></methodCall>";
        assertThat(rejected(body)).isEqualTo(new ReadResult.Unreadable(-32600, "DOCTYPE not accepted"));
    }

    @Test
    @SuppressWarnings("try") // the resource is held open on purpose (a listener, a connection) while the body runs
    void externalEntitiesAndDtdsAreNeverFetched() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/x.dtd";
            String[] bodies = {
                "<!DOCTYPE methodCall SYSTEM \"" + url + "\"><methodCall><methodName>m</methodName></methodCall>",
                "<!DOCTYPE methodCall [<!ENTITY e SYSTEM \"" + url + "\">]><methodCall><methodName>&e;</methodName></methodCall>",
                "<!DOCTYPE methodCall [<!ENTITY % p SYSTEM \"" + url + "\"> %p;]><methodCall><methodName>m</methodName></methodCall>",
            };
            for (String body : bodies) {
                assertThat(BackupReader.read(utf8(body))).isInstanceOf(ReadResult.Unreadable.class);
            }
            listener.setSoTimeout(300);
            boolean connected;
            try (var ignored = listener.accept()) {
                connected = true;
            } catch (SocketTimeoutException expected) {
                connected = false;
            }
            assertThat(connected).as("something fetched the external DTD or entity").isFalse();
        }
    }

    @Test
    void nestingDeeperThanTheLimitIsRejected() {
        // methodCall, params, param = depth 3; each array level adds value, array, data.
        String deep = nestedArrays(30); // 3 + 3*30 + 2 = 95 elements deep
        assertThat(rejected(deep).faultCode()).isEqualTo(-32600);
        assertThat(rejected(deep).reason()).contains("deeper than 64");
        ReadResult roomy = BackupReader.read(utf8(deep), new ReaderLimits(200, 1024, 1000));
        assertThat(roomy).isInstanceOf(ReadResult.Call.class);
        // Exactly at the limit: 19 levels put <string> at depth 3 + 57 + 2 = 62.
        assertThat(BackupReader.read(utf8(nestedArrays(19)), new ReaderLimits(62, 1024, 1000)))
                .isInstanceOf(ReadResult.Call.class);
        assertThat(BackupReader.read(utf8(nestedArrays(19)), new ReaderLimits(61, 1024, 1000)))
                .isEqualTo(new ReadResult.Unreadable(-32600, "nesting deeper than 61"));
    }

    private static String nestedArrays(int levels) {
        StringBuilder sb = new StringBuilder("<methodCall><methodName>m</methodName><params><param>");
        for (int i = 0; i < levels; i++) {
            sb.append("<value><array><data>");
        }
        sb.append("<value><string>x</string></value>");
        for (int i = 0; i < levels; i++) {
            sb.append("</data></array></value>");
        }
        return sb.append("</param></params></methodCall>").toString();
    }

    @Test
    void valueCountAndNameLengthLimits() {
        String three = oneParam("<value><array><data><value>a</value><value>b</value></data></array></value>");
        assertThat(BackupReader.read(utf8(three), new ReaderLimits(64, 1024, 3))).isInstanceOf(ReadResult.Call.class);
        ReadResult tooMany = BackupReader.read(utf8(three), new ReaderLimits(64, 1024, 2));
        assertThat(tooMany).isEqualTo(new ReadResult.Unreadable(-32600, "more than 2 values"));

        String named = oneParam("<value><struct><member><name> abcd </name><value>x</value></member></struct></value>");
        assertThat(BackupReader.read(utf8(named), new ReaderLimits(64, 4, 10))).isInstanceOf(ReadResult.Call.class);
        assertThat(BackupReader.read(utf8(named), new ReaderLimits(64, 3, 10)))
                .isEqualTo(new ReadResult.Unreadable(-32600, "name longer than 3"));
        assertThat(BackupReader.read(utf8("<methodCall><methodName>abcd</methodName></methodCall>"),
                new ReaderLimits(64, 3, 10))).isEqualTo(new ReadResult.Unreadable(-32600, "methodName longer than 3"));
    }
}
