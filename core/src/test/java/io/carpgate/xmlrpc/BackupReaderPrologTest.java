package io.carpgate.xmlrpc;

import static io.carpgate.xmlrpc.Bodies.call;
import static io.carpgate.xmlrpc.Bodies.rejected;
import static io.carpgate.xmlrpc.Bodies.slice;
import static io.carpgate.xmlrpc.Bodies.str;
import static io.carpgate.xmlrpc.Bodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** IXR strips the first declaration in the first 100 bytes and trims; libxml2 honours any declaration left. */
class BackupReaderPrologTest {
    private static final String CALL =
            "<methodCall><methodName>m</methodName><params><param><value><string>é</string></value></param></params></methodCall>";

    private static XmlRpcValue.Str onlyString(byte[] body) {
        MethodCall call = call(body);
        assertThat(call.params()).hasSize(1);
        XmlRpcValue.Str s = str(call.params().get(0));
        assertThat(slice(body, s.slot())).isEqualTo(s.text());
        return s;
    }

    @Test
    void strippedDeclarationsEncodingIsIgnored() {
        // The backup strips this declaration, so libxml2 never sees ISO-8859-1 and reads UTF-8.
        byte[] body = utf8("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + CALL);
        XmlRpcValue.Str s = onlyString(body);
        assertThat(s.text()).isEqualTo("é");
        assertThat(s.slot().end() - s.slot().start()).isEqualTo(2);
    }

    @Test
    void noDeclarationAtAll() {
        assertThat(onlyString(utf8(CALL)).text()).isEqualTo("é");
    }

    @Test
    void secondDeclarationWithOtherEncodingIsRejected() {
        ReadResult.Unreadable r = rejected("<?xml version=\"1.0\"?><?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + CALL);
        assertThat(r.faultCode()).isEqualTo(-32700);
        assertThat(r.reason()).contains("encoding");
        // XML 1.1 has other character rules than libxml2's 1.0.
        assertThat(rejected("<?xml version=\"1.0\"?><?xml version=\"1.1\"?>" + CALL).reason()).contains("version");
    }

    @Test
    void secondDeclarationWithUtf8OrNoEncodingIsAccepted() {
        assertThat(onlyString(utf8("<?xml version=\"1.0\"?><?xml version=\"1.0\" encoding=\"utf-8\"?>" + CALL)).text())
                .isEqualTo("é");
        assertThat(onlyString(utf8("<?xml version=\"1.0\"?><?xml version=\"1.0\"?>\n" + CALL)).text()).isEqualTo("é");
    }

    @Test
    void secondDeclarationAfterWhiteSpaceIsRejected() {
        // IXR does not trim what it hands to libxml2, and libxml2 fails on a declaration that is not at the very
        // start (found by the reader parity fuzz test).
        assertThat(rejected("<?xml version=\"1.0\"?>\n<?xml version=\"1.0\" encoding=\"utf-8\"?>" + CALL).faultCode())
                .isEqualTo(-32700);
        assertThat(rejected("<?xml version=\"1.0\"?>  <?xml version=\"1.0\"?>\n" + CALL).reason()).contains("white space");
        // White space before the stripped declaration stays in front of the second one (found by the patcher fuzz test).
        assertThat(rejected("\n  <?xml version=\"1.0\"?><?xml version=\"1.0\"?>" + CALL).reason()).contains("white space");
    }

    @Test
    void declarationSpanningALineIsNotStrippedAndSoHonoured() {
        // The backup's regex has no /s: "<?xml ...\n?>" is no match, and libxml2 honours that declaration.
        assertThat(rejected("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"\n?>" + CALL).reason()).contains("encoding");
        assertThat(onlyString(utf8("<?xml version=\"1.0\"\n?>" + CALL)).text()).isEqualTo("é");
        // A later one-line declaration within the window is the one cut out.
        assertThat(rejected("<?xml version=\"1.0\"\n?><?xml version=\"1.0\"?>" + CALL).faultCode()).isEqualTo(-32600);
    }

    @Test
    void onlyALineFeedEndsTheStripsLineACarriageReturnDoesNot() {
        // PCRE's '.' (no /s) stops at LF only: a declaration spanning a CR is still cut out, its encoding ignored...
        assertThat(onlyString(utf8("<?xml version=\"1.0\"\r encoding=\"UTF-7\"?>" + CALL)).text()).isEqualTo("é");
        // ...while one spanning an LF (or CRLF) stays, and libxml2 honours the UTF-7 it names: rejected.
        assertThat(rejected("<?xml version=\"1.0\"\n encoding=\"UTF-7\"?>" + CALL).reason()).contains("encoding");
        assertThat(rejected("<?xml version=\"1.0\"\r\n encoding=\"UTF-7\"?>" + CALL).reason()).contains("encoding");
    }

    @Test
    void declarationBeyondTheFirst100BytesIsNotStrippedAndMisplacedForTheBackupsParser() {
        String padding = " ".repeat(120);
        assertThat(rejected(padding + "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + CALL).faultCode())
                .isEqualTo(-32700);
        assertThat(rejected(padding + "<?xml version=\"1.0\"?>" + CALL).faultCode()).isEqualTo(-32700);
    }

    @Test
    void declarationStraddlingByte100IsNotStripped() {
        String decl = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>";
        String padding = " ".repeat(100 - decl.length() + 1); // ends one byte past the window
        assertThat(rejected(padding + decl + CALL).faultCode()).isEqualTo(-32700);
        String inside = " ".repeat(100 - decl.length()); // ends exactly at byte 100: stripped
        assertThat(onlyString(utf8(inside + decl + CALL)).text()).isEqualTo("é");
    }

    @Test
    void declarationAfterOtherContentIsRejected() {
        // IXR would cut the declaration out of the middle; carpgate only accepts it at the start.
        ReadResult.Unreadable r = rejected("<!-- x --><?xml version=\"1.0\"?>" + CALL);
        assertThat(r.faultCode()).isEqualTo(-32600);
    }

    @Test
    void xmlWhiteSpaceAroundTheDocumentIsAcceptedOtherTrimmedCharactersAreNot() {
        byte[] body = utf8(" \r\n\t<?xml version=\"1.0\"?>\n" + CALL + "\n\t ");
        assertThat(onlyString(body).text()).isEqualTo("é");
        // PHP's trim() only tests for emptiness; libxml2 fails on a NUL or vertical tab outside the root.
        assertThat(rejected(utf8(CALL + "\n\0\0\u000B")).faultCode()).isEqualTo(-32700);
        assertThat(rejected(utf8("\u000B" + CALL)).faultCode()).isEqualTo(-32700);
        assertThat(rejected(utf8("\u000B<?xml version=\"1.0\"?>" + CALL)).faultCode()).isEqualTo(-32600);
    }

    @Test
    void byteOrderMarksAreRejected() {
        ByteArrayOutputStream utf8Bom = new ByteArrayOutputStream();
        utf8Bom.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        utf8Bom.writeBytes(utf8(CALL));
        assertThat(rejected(utf8Bom.toByteArray()).faultCode()).isEqualTo(-32700);

        byte[] utf16 = ("\uFEFF" + CALL).getBytes(StandardCharsets.UTF_16BE);
        assertThat(rejected(utf16).faultCode()).isEqualTo(-32700);
        byte[] utf16le = ("\uFEFF" + CALL).getBytes(StandardCharsets.UTF_16LE);
        assertThat(rejected(utf16le).faultCode()).isEqualTo(-32700);
        // Without a BOM libxml2 would still detect UTF-16 from "<\0"; carpgate rejects it as not UTF-8 XML.
        assertThat(rejected(CALL.getBytes(StandardCharsets.UTF_16LE)).faultCode()).isEqualTo(-32700);
    }

    @Test
    void emptyAfterTheStripIsRejected() {
        assertThat(rejected("<?xml version=\"1.0\"?>\n  \n").faultCode()).isEqualTo(-32700);
        assertThat(rejected(new byte[0]).faultCode()).isEqualTo(-32700);
    }

    @Test
    void slotsCountTheStrippedPrologAndMultiByteText() {
        String body = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<methodCall><methodName>ü€😀</methodName>"
                + "<params><param><value><struct>"
                + "<member><name>ñ😀</name><value><string>ä€😀x</string></value></member>"
                + "<member><name>b</name><value>  untyped 😀 </value></member>"
                + "</struct></value></param></params></methodCall>";
        byte[] bytes = utf8(body);
        MethodCall call = call(bytes);
        assertThat(call.methodName()).isEqualTo("ü€😀");
        XmlRpcValue.Struct s = (XmlRpcValue.Struct) call.params().get(0);
        XmlRpcValue.Str a = s.str("ñ😀").orElseThrow();
        XmlRpcValue.Str b = s.str("b").orElseThrow();
        assertThat(a.text()).isEqualTo("ä€😀x");
        assertThat(slice(bytes, a.slot())).isEqualTo("ä€😀x");
        assertThat(a.slot().start()).isEqualTo(body.substring(0, body.indexOf("ä€")).getBytes(StandardCharsets.UTF_8).length);
        assertThat(b.text()).isEqualTo("  untyped 😀 ");
        assertThat(slice(bytes, b.slot())).isEqualTo("  untyped 😀 ");
    }
}
