package io.carpgate.xmlrpc;

import static io.carpgate.xmlrpc.Bodies.call;
import static io.carpgate.xmlrpc.Bodies.oneParam;
import static io.carpgate.xmlrpc.Bodies.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The markup the pre-scan bounds before Woodstox builds it (LexicalCheck): comments, processing instructions,
 * names in tags, entity and character references, and any DOCTYPE. Each is rejected past its bound with a
 * reason that names the bound and an offset, never the body; up to the bound it reads as before.
 */
class BackupReaderMarkupBoundsTest {
    private static final int PI_OR_COMMENT = LexicalCheck.MAX_COMMENT_OR_PI_BYTES;
    private static final int NAME = LexicalCheck.MAX_NAME_BYTES;

    /** {@code length} bytes of SECRET repeated: a rejection's reason must never show any of it. */
    private static String secret(int length) {
        return "SECRET".repeat(length / 6 + 1).substring(0, length);
    }

    private static ReadResult.Unreadable rejectedFor(String body, String reason) {
        ReadResult.Unreadable r = rejected(body);
        assertThat(r.faultCode()).isEqualTo(-32600);
        assertThat(r.reason()).startsWith(reason);
        return r;
    }

    @Test
    void aCommentUpToTheBoundIsSkippedOneByteLongerIsRejected() {
        String at = "<value>a<!--" + secret(PI_OR_COMMENT) + "-->b</value>";
        assertThat(call(oneParam(at)).params().get(0))
                .isInstanceOfSatisfying(XmlRpcValue.Str.class, s -> assertThat(s.text()).isEqualTo("ab"));
        String over = "<value>a<!--" + secret(PI_OR_COMMENT + 1) + "-->b</value>";
        ReadResult.Unreadable r = rejectedFor(oneParam(over), "comment longer than 4096 bytes at byte ");
        assertThat(r.reason()).endsWith("at byte " + oneParam(over).indexOf("<!--"));
    }

    @Test
    void aProcessingInstructionUpToTheBoundIsSkippedOneByteLongerIsRejected() {
        assertThat(call(oneParam("<value><?pi " + secret(PI_OR_COMMENT - 3) + "?>a</value>")).params()).hasSize(1);
        rejectedFor(oneParam("<value><?pi " + secret(PI_OR_COMMENT - 2) + "?>a</value>"),
                "processing instruction longer than 4096 bytes");
        // The target is part of it; so is an XML declaration the backup does not strip (it is not in the first line).
        rejectedFor(oneParam("<value><?" + secret(PI_OR_COMMENT + 1) + "?>a</value>"), "processing instruction longer");
        rejectedFor("<?xml version=\"1.0\"\n" + " ".repeat(PI_OR_COMMENT) + "?><methodCall><methodName>m</methodName>"
                + "</methodCall>", "processing instruction longer than 4096 bytes at byte 0");
    }

    @Test
    void anUnclosedCommentOrInstructionIsRejectedAtTheBoundNotReadToTheEnd() {
        rejectedFor("<methodCall><methodName>m</methodName><!--" + secret(64 * 1024), "comment longer");
        rejectedFor("<methodCall><methodName>m</methodName><?pi " + secret(64 * 1024), "processing instruction");
    }

    @Test
    void anyDoctypeIsRejectedBeforeItsSubsetIsRead() {
        String subset = "<!--" + secret(64 * 1024) + "-->";
        assertThat(rejected("<!DOCTYPE methodCall [" + subset + "]><methodCall><methodName>m</methodName></methodCall>"))
                .isEqualTo(new ReadResult.Unreadable(-32600, "DOCTYPE not accepted"));
        // Unclosed, and where the parser would never accept one: the same answer.
        assertThat(rejected("<!DOCTYPE methodCall [" + secret(64 * 1024)))
                .isEqualTo(new ReadResult.Unreadable(-32600, "DOCTYPE not accepted"));
        assertThat(rejected(oneParam("<value><!DOCTYPE x></value>")))
                .isEqualTo(new ReadResult.Unreadable(-32600, "DOCTYPE not accepted"));
        // Inside a comment or a CDATA section it is text, not a DOCTYPE.
        assertThat(call(oneParam("<value><!-- <!DOCTYPE x> --><string><![CDATA[<!DOCTYPE x>]]></string></value>"))
                .params()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<value><%s/></value>", "<value><string></string></value><%s/>",
        "<value><string></string></%s>", "<value><string %s=\"1\"></string></value>",
        "<value><string a=\"1\"\n%s='2'></string></value>", "<value><string a=\"1\"\t%s></string></value>"})
    void aNameInATagOverTheBoundIsRejected(String shape) {
        String over = oneParam(shape.formatted(secret(NAME + 1)));
        ReadResult.Unreadable r = rejectedFor(over, "name in a tag longer than 1024 bytes at byte ");
        assertThat(r.reason()).endsWith("at byte " + over.indexOf("SECRET"));
        // At the bound, the pre-scan lets it through: what follows is the reader's usual answer, not the bound's.
        ReadResult atBound = BackupReader.read(Bodies.utf8(oneParam(shape.formatted(secret(NAME)))));
        if (atBound instanceof ReadResult.Unreadable u) {
            assertThat(u.reason()).doesNotContain("longer than");
        }
    }

    @Test
    void anAttributeNameAtTheBoundIsReadAndIgnoredAsBefore() {
        assertThat(call(oneParam("<value><string " + secret(NAME) + "=\"1\">x</string></value>")).params()).hasSize(1);
        // Bytes, not chars: 512 two-byte chars are 1024 bytes; one more is over.
        assertThat(call(oneParam("<value><string " + "é".repeat(NAME / 2) + "=\"1\">x</string></value>")).params())
                .hasSize(1);
        rejectedFor(oneParam("<value><string " + "é".repeat(NAME / 2) + "e=\"1\">x</string></value>"),
                "name in a tag longer than 1024 bytes");
        // Attribute values are Woodstox's to bound (64 KiB), not counted as names.
        assertThat(call(oneParam("<value><string a=\"" + "v".repeat(4 * NAME) + "\">x</string></value>")).params())
                .hasSize(1);
    }

    @Test
    void aReferenceOverTheBoundIsRejectedInTextAndInAttributeValues() {
        // &#0...065; at the bound: accepted and read as "A".
        String charRef = "&#" + "0".repeat(NAME - 3) + "65;";
        assertThat(call(oneParam("<value><string>" + charRef + "</string></value>")).params().get(0))
                .isInstanceOfSatisfying(XmlRpcValue.Str.class, s -> assertThat(s.text()).isEqualTo("A"));
        rejectedFor(oneParam("<value><string>&#0" + charRef.substring(2) + "</string></value>"),
                "entity or character reference longer than 1024 bytes");
        // An undeclared entity at the bound is the parser's to reject; over it, the pre-scan's.
        assertThat(rejected(oneParam("<value><string>&" + secret(NAME) + ";</string></value>")).faultCode())
                .isEqualTo(-32700);
        rejectedFor(oneParam("<value><string>&" + secret(NAME + 1) + ";</string></value>"),
                "entity or character reference longer than 1024 bytes");
        rejectedFor(oneParam("<value><string a=\"&" + secret(NAME + 1) + ";\">x</string></value>"),
                "entity or character reference longer than 1024 bytes");
        // Predefined entities and many '&' side by side are unaffected.
        assertThat(call(oneParam("<value><string a=\"&amp;&lt;\">&amp;&lt;&gt;&quot;&apos;&#38;</string></value>"))
                .params().get(0)).isInstanceOfSatisfying(XmlRpcValue.Str.class,
                        s -> assertThat(s.text()).isEqualTo("&<>\"'&"));
        assertThat(rejected(oneParam("<value>" + "&".repeat(64 * NAME) + "</value>")).faultCode()).isEqualTo(-32700);
    }
}
