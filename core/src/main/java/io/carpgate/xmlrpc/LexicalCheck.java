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
 * It also bounds, before Woodstox sees a byte, the markup Woodstox would build whole in its buffers although
 * carpgate keeps none of it and the body budget does not charge it (one 60 MiB comment, name or DOCTYPE took a
 * -Xmx256m process to OutOfMemoryError):
 * <ul>
 *   <li>{@code <!DOCTYPE} anywhere: rejected here, before its internal subset is read (the reader rejects any
 *       DOCTYPE anyway).</li>
 *   <li>A comment or processing instruction longer than {@link #MAX_COMMENT_OR_PI_BYTES}.</li>
 *   <li>A name in a tag (element or attribute name, or any other run the tag holds outside quotes) longer than
 *       {@link #MAX_NAME_BYTES}; an entity or character reference longer than that, in text or an attribute
 *       value (Woodstox builds a reference's name whole before it finds it undeclared).</li>
 * </ul>
 * Text, CDATA sections and attribute values are not bounded here: Woodstox hands text on in pieces, and
 * limits attribute values itself ({@link BackupReader#factory}).
 *
 * <p>The scan only has to be right on bodies Woodstox accepts as well-formed (everything else is rejected
 * anyway), and a DOCTYPE is rejected before it matters, so a small lexer is enough; a bound may reject a body
 * that is not well-formed with its own reason rather than Woodstox's.
 */
final class LexicalCheck {
    private static final byte[] CDATA_END = ascii("]]>");
    private static final byte[] COMMENT_OPEN = ascii("<!--");
    private static final byte[] COMMENT_CLOSE = ascii("-->");
    private static final byte[] CDATA_OPEN = ascii("<![CDATA[");
    private static final byte[] PI_OPEN = ascii("<?");
    private static final byte[] PI_CLOSE = ascii("?>");
    private static final byte[] DOCTYPE_OPEN = ascii("<!DOCTYPE");

    /**
     * Longest comment or processing instruction, in bytes between its delimiters. A master never sends either (its
     * IXR client writes only the XML declaration, which the backup strips); 4 KiB leaves room for a note written by
     * hand and keeps what Woodstox buffers for one (2 bytes a char) at 8 KiB.
     */
    static final int MAX_COMMENT_OR_PI_BYTES = 4 * 1024;

    /**
     * Longest name in a tag and longest entity or character reference, in bytes: the reader's bound on a name
     * ({@link ReaderLimits#DEFAULT_MAX_NAME_LENGTH}). XML-RPC's longest element name is {@code dateTime.iso8601}
     * (16); a master sends no attributes and no named entities but the five predefined ones. A fixed bound, not
     * the configured one: a reader given a shorter name bound must still read the element names XML-RPC has.
     */
    static final int MAX_NAME_BYTES = ReaderLimits.DEFAULT_MAX_NAME_LENGTH;

    /** What a byte inside a tag may be to the scan ({@link #IN_TAG}); the set of MAYBE_NOT_XML is the same outside. */
    private static final byte OTHER = 0;
    private static final byte MAYBE_NOT_XML = 1;
    private static final byte QUOTE = 2;
    private static final byte TAG_END = 3;
    /** Ends a name in a tag: white space other than tab, LF and CR (those are MAYBE_NOT_XML), '/', '='. */
    private static final byte SEPARATOR = 4;
    private static final byte AMPERSAND = 5;
    private static final byte[] IN_TAG = new byte[256];

    /**
     * Bytes that end the run after a '&' the scan bounds: none can be part of a name or a character reference
     * (so what Woodstox builds of a reference is never longer than the run), and all of them, the terminating ';'
     * included, are left for the scan to look at.
     */
    private static final boolean[] ENDS_REFERENCE = new boolean[256];

    static {
        for (int b = 0; b < 0x20; b++) {
            IN_TAG[b] = MAYBE_NOT_XML;
            ENDS_REFERENCE[b] = true;
        }
        IN_TAG[0xEF] = MAYBE_NOT_XML;
        IN_TAG['"'] = QUOTE;
        IN_TAG['\''] = QUOTE;
        IN_TAG['>'] = TAG_END;
        IN_TAG[' '] = SEPARATOR;
        IN_TAG['/'] = SEPARATOR;
        IN_TAG['='] = SEPARATOR;
        IN_TAG['&'] = AMPERSAND;
        for (char c : " ;<>&\"'/=]".toCharArray()) {
            ENDS_REFERENCE[c] = true;
        }
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
            } else if (b == '&') {
                i = skipReference(body, i, end);
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
            return skipPast(body, at + COMMENT_OPEN.length, end, COMMENT_CLOSE, "comment", at);
        }
        if (second == '!' && DocumentRange.startsWith(body, at, end, DOCTYPE_OPEN)) {
            // The same reason as the reader's (CallWalker), before Woodstox reads the internal subset whole.
            throw new Rejection(Rejection.INVALID_REQUEST, "DOCTYPE not accepted");
        }
        if (second == '!' && DocumentRange.startsWith(body, at, end, CDATA_OPEN)) {
            int after = skipPast(body, at + CDATA_OPEN.length, end, CDATA_END, null, at);
            for (int i = at + CDATA_OPEN.length; i < after; i++) {
                if (body[i] == '\r') {
                    throw new Rejection(Rejection.NOT_WELL_FORMED, "carriage return inside a CDATA section at byte " + i
                            + " (the backup's parser keeps it, carpgate's would not)");
                }
            }
            return after;
        }
        if (second == '?' && DocumentRange.startsWith(body, at, end, PI_OPEN)) {
            return skipPast(body, at + PI_OPEN.length, end, PI_CLOSE, "processing instruction", at);
        }
        // A tag: '>' ends it unless inside a quoted attribute value. One table look-up per byte; most are OTHER.
        // Outside quotes, a run of bytes between separators (the element name, an attribute name) is bounded.
        byte quote = 0;
        int name = at + 1; // where the current run outside quotes began
        for (int i = at + 1; i < end; i++) {
            byte b = body[i];
            byte kind = IN_TAG[b & 0xFF];
            if (kind == OTHER) {
                if (quote == 0 && i - name >= MAX_NAME_BYTES) {
                    throw nameTooLong(name);
                }
                continue;
            }
            if (kind == MAYBE_NOT_XML) {
                rejectIfNotXmlChar(body, i, end);
                if (quote == 0 && b != (byte) 0xEF) {
                    name = i + 1; // tab, LF or CR: white space
                } else if (quote == 0 && i - name >= MAX_NAME_BYTES) {
                    throw nameTooLong(name);
                }
            } else if (quote != 0) {
                if (b == quote) {
                    quote = 0;
                    name = i + 1;
                } else if (kind == AMPERSAND) {
                    i = skipReference(body, i, end) - 1; // the byte that ended it is looked at next
                }
            } else if (kind == QUOTE) {
                quote = b;
            } else if (kind == SEPARATOR) {
                name = i + 1;
            } else if (kind == AMPERSAND) {
                if (i - name >= MAX_NAME_BYTES) { // not well-formed here; counted as part of the run
                    throw nameTooLong(name);
                }
            } else {
                return i + 1; // TAG_END
            }
        }
        return end;
    }

    private static Rejection nameTooLong(int at) {
        return new Rejection(Rejection.INVALID_REQUEST, "name in a tag longer than " + MAX_NAME_BYTES + " bytes at byte " + at);
    }

    /**
     * From a '&' in text or an attribute value, returns the index of the byte that ends the reference's name
     * (';' for a well-formed one, or a byte Woodstox rejects there), rejecting a name longer than
     * {@link #MAX_NAME_BYTES}. Each byte is passed once: a body full of '&' costs no more than one without.
     */
    private static int skipReference(byte[] body, int at, int end) throws Rejection {
        int i = at + 1;
        while (i < end && !ENDS_REFERENCE[body[i] & 0xFF]) {
            if (i - (at + 1) >= MAX_NAME_BYTES) {
                throw new Rejection(Rejection.INVALID_REQUEST, "entity or character reference longer than "
                        + MAX_NAME_BYTES + " bytes at byte " + at);
            }
            if (mayBeNotXmlChar(body[i])) {
                rejectIfNotXmlChar(body, i, end);
            }
            i++;
        }
        return i;
    }

    /**
     * Returns the index just after {@code terminator} (or {@code end}); when {@code what} names it, rejects once
     * more than {@link #MAX_COMMENT_OR_PI_BYTES} lie before the terminator.
     */
    private static int skipPast(byte[] body, int from, int end, byte[] terminator, String what, int open)
            throws Rejection {
        long bound = what == null ? Long.MAX_VALUE : (long) from + MAX_COMMENT_OR_PI_BYTES + 1;
        for (int i = from; i < end; i++) {
            if (i >= bound) {
                throw new Rejection(Rejection.INVALID_REQUEST, what + " longer than " + MAX_COMMENT_OR_PI_BYTES
                        + " bytes at byte " + open);
            }
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
