package io.carpgate.xmlrpc;

/**
 * One pass over the bytes libxml2 will parse, for what libxml2 rejects and Woodstox lets through, so carpgate
 * never accepts a body the backup cannot parse (both found by the fuzz tests):
 * <ul>
 *   <li>U+FFFE and U+FFFF anywhere: not XML characters. In UTF-8 already checked as valid, the bytes
 *       {@code EF BF BE/BF} can only be these two.</li>
 *   <li>C0 controls other than tab, line feed and carriage return anywhere: not XML characters either.
 *       Woodstox rejects them in text but skips them like white space inside markup (an XML declaration,
 *       a tag).</li>
 *   <li>{@code ]]>} in character data: only a CDATA section may end with it. It is allowed inside comments,
 *       processing instructions, CDATA sections and attribute values, so the scan follows those.</li>
 *   <li>A carriage return inside a CDATA section: the backup's parser (libxml2) keeps it as CR there, where
 *       Woodstox (as XML 1.0 says) turns it into LF, so the two would read different strings. An IXR master
 *       never writes CDATA (it escapes text), so such a body is rejected rather than emulated.</li>
 * </ul>
 * The scan only has to be right on bodies Woodstox accepts as well-formed (everything else is rejected
 * anyway), and a DOCTYPE is rejected before it matters, so a small lexer is enough.
 */
final class LexicalCheck {
    private static final byte[] CDATA_END = ascii("]]>");
    private static final byte[] COMMENT_OPEN = ascii("<!--");
    private static final byte[] COMMENT_CLOSE = ascii("-->");
    private static final byte[] CDATA_OPEN = ascii("<![CDATA[");
    private static final byte[] PI_OPEN = ascii("<?");
    private static final byte[] PI_CLOSE = ascii("?>");

    /** What a byte inside a tag may be to the scan ({@link #IN_TAG}); the set of MAYBE_NOT_XML is the same outside. */
    private static final byte OTHER = 0;
    private static final byte MAYBE_NOT_XML = 1;
    private static final byte QUOTE = 2;
    private static final byte TAG_END = 3;
    private static final byte[] IN_TAG = new byte[256];

    static {
        for (int b = 0; b < 0x20; b++) {
            IN_TAG[b] = MAYBE_NOT_XML;
        }
        IN_TAG[0xEF] = MAYBE_NOT_XML;
        IN_TAG['"'] = QUOTE;
        IN_TAG['\''] = QUOTE;
        IN_TAG['>'] = TAG_END;
    }

    private LexicalCheck() {}

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    static void require(byte[] body, int start, int end) throws Rejection {
        int i = start;
        while (i < end) {
            byte b = body[i];
            if (mayBeNotXmlChar(b)) {
                rejectIfNotXmlChar(body, i, end);
                i++;
            } else if (b == '<') {
                i = skipMarkup(body, i, end);
            } else if (b == ']' && DocumentRange.startsWith(body, i, end, CDATA_END)) {
                throw new Rejection(Rejection.NOT_WELL_FORMED, "\"]]>\" in text at byte " + i);
            } else {
                i++;
            }
        }
    }

    /** From a '<', returns the index just after the markup it opens (or {@code end}). */
    private static int skipMarkup(byte[] body, int at, int end) throws Rejection {
        // Almost every '<' opens a tag: one byte tells the others ("<!", "<?") apart before any prefix compare.
        byte second = at + 1 < end ? body[at + 1] : 0;
        if (second == '!' && DocumentRange.startsWith(body, at, end, COMMENT_OPEN)) {
            return skipPast(body, at + COMMENT_OPEN.length, end, COMMENT_CLOSE);
        }
        if (second == '!' && DocumentRange.startsWith(body, at, end, CDATA_OPEN)) {
            int after = skipPast(body, at + CDATA_OPEN.length, end, CDATA_END);
            for (int i = at + CDATA_OPEN.length; i < after; i++) {
                if (body[i] == '\r') {
                    throw new Rejection(Rejection.NOT_WELL_FORMED, "carriage return inside a CDATA section at byte " + i
                            + " (the backup's parser keeps it, carpgate's would not)");
                }
            }
            return after;
        }
        if (second == '?' && DocumentRange.startsWith(body, at, end, PI_OPEN)) {
            return skipPast(body, at + PI_OPEN.length, end, PI_CLOSE);
        }
        // A tag: '>' ends it unless inside a quoted attribute value. One table look-up per byte; most are OTHER.
        byte quote = 0;
        for (int i = at + 1; i < end; i++) {
            byte b = body[i];
            byte kind = IN_TAG[b & 0xFF];
            if (kind == OTHER) {
                continue;
            }
            if (kind == MAYBE_NOT_XML) {
                rejectIfNotXmlChar(body, i, end);
            } else if (quote != 0) {
                if (b == quote) {
                    quote = 0;
                }
            } else if (kind == QUOTE) {
                quote = b;
            } else {
                return i + 1; // TAG_END
            }
        }
        return end;
    }

    private static int skipPast(byte[] body, int from, int end, byte[] terminator) throws Rejection {
        for (int i = from; i < end; i++) {
            if (mayBeNotXmlChar(body[i])) {
                rejectIfNotXmlChar(body, i, end);
            }
            if (body[i] == terminator[0] && DocumentRange.startsWith(body, i, end, terminator)) {
                return i + terminator.length;
            }
        }
        return end;
    }

    /** The only bytes {@link #rejectIfNotXmlChar} can reject: a C0 control, or the lead byte of U+FFFE/U+FFFF. */
    private static boolean mayBeNotXmlChar(byte b) {
        return IN_TAG[b & 0xFF] == MAYBE_NOT_XML;
    }

    private static void rejectIfNotXmlChar(byte[] body, int at, int end) throws Rejection {
        byte b = body[at];
        boolean control = b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r';
        boolean nonCharacter = b == (byte) 0xEF && at + 2 < end && body[at + 1] == (byte) 0xBF
                && (body[at + 2] == (byte) 0xBE || body[at + 2] == (byte) 0xBF);
        if (control || nonCharacter) {
            throw new Rejection(Rejection.NOT_WELL_FORMED, "character not allowed in XML at byte " + at);
        }
    }
}
