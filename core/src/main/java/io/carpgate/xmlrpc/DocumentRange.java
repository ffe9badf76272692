package io.carpgate.xmlrpc;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes {@code [start, end)} of a body that the backup's libxml2 parses. IXR_Message::parse() first
 * removes the first match of {@code <\?xml.*?\?>} found in the first 100 bytes and hands the rest to libxml2
 * untrimmed (PHP's trim() only tests for an empty message). carpgate accepts the removed declaration only
 * when nothing but XML white space precedes it, so what libxml2 reads is one contiguous range of the original
 * body (plus white space around it, which carpgate leaves out) and offsets map back by a constant.
 */
record DocumentRange(int start, int end) {
    private static final int PROLOG_WINDOW = 100;
    private static final byte[] DECL_OPEN = {'<', '?', 'x', 'm', 'l'};
    private static final byte[] DECL_CLOSE = {'?', '>'};

    static DocumentRange locate(byte[] body) throws Rejection {
        if (startsWith(body, 0, new byte[] {(byte) 0xFE, (byte) 0xFF})
                || startsWith(body, 0, new byte[] {(byte) 0xFF, (byte) 0xFE})) {
            // libxml2 would decode UTF-16; carpgate reads UTF-8 only.
            throw new Rejection(Rejection.NOT_WELL_FORMED, "UTF-16 byte order mark");
        }
        int cursor = 0;
        int before = 0; // white space libxml2 sees before the stripped declaration
        int window = Math.min(body.length, PROLOG_WINDOW);
        // preg_replace('/<\?xml.*?\?>/', ...) without /s: '.' stops at a line feed, and PCRE moves on to the
        // next "<?xml" when one has no "?>" before the line ends.
        int open = -1;
        int close = -1;
        for (int at = indexOf(body, DECL_OPEN, 0, window); at >= 0 && close < 0;
                at = indexOf(body, DECL_OPEN, at + 1, window)) {
            open = at;
            close = indexOfOnLine(body, DECL_CLOSE, at + DECL_OPEN.length, window);
        }
        if (open >= 0) {
            if (close >= 0) {
                for (int i = 0; i < open; i++) {
                    if (!isXmlSpace(body[i])) {
                        throw new Rejection(Rejection.INVALID_REQUEST,
                                "XML declaration removed by the backup is not at the start (byte " + open + ")");
                    }
                }
                before = open;
                cursor = close + DECL_CLOSE.length;
            }
        }
        // PHP's trim() only decides whether the message is empty; libxml2 reads it untrimmed. So only XML
        // white space may surround the document (a NUL or vertical tab makes libxml2 fail), and a declaration
        // libxml2 would see after white space is misplaced for it.
        int start = cursor;
        int end = body.length;
        while (start < end && PhpScalars.isTrimSpace(body[start])) {
            if (!isXmlSpace(body[start])) {
                throw new Rejection(Rejection.NOT_WELL_FORMED, "control character before the document at byte " + start);
            }
            start++;
        }
        while (end > start && PhpScalars.isTrimSpace(body[end - 1])) {
            if (!isXmlSpace(body[end - 1])) {
                throw new Rejection(Rejection.NOT_WELL_FORMED, "control character after the document at byte " + (end - 1));
            }
            end--;
        }
        if (start == end) {
            throw new Rejection(Rejection.NOT_WELL_FORMED, "empty body");
        }
        if ((before > 0 || start > cursor) && startsWith(body, start, DECL_OPEN)) {
            throw new Rejection(Rejection.NOT_WELL_FORMED, "XML declaration after white space at byte " + start);
        }
        if (startsWith(body, start, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})) {
            // A master never sends one; rejecting keeps offsets and libxml2's view simple.
            throw new Rejection(Rejection.NOT_WELL_FORMED, "UTF-8 byte order mark at byte " + start);
        }
        DocumentRange range = new DocumentRange(start, end);
        range.requireUtf8(body);
        LexicalCheck.require(body, start, end);
        return range;
    }

    /** Strict UTF-8 check in small chunks, so a bad byte is rejected with its offset and no big buffer. */
    private void requireUtf8(byte[] body) throws Rejection {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body, start, end - start);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw new Rejection(Rejection.NOT_WELL_FORMED, "malformed UTF-8 at byte " + in.position());
            }
            out.clear();
            if (result.isUnderflow()) {
                break;
            }
        }
        CoderResult flushed = decoder.flush(out);
        if (flushed.isError()) {
            throw new Rejection(Rejection.NOT_WELL_FORMED, "malformed UTF-8 at byte " + in.position());
        }
    }

    /** XML's S production: what libxml2 accepts around the document. */
    private static boolean isXmlSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private static boolean startsWith(byte[] body, int at, byte[] prefix) {
        return startsWith(body, at, body.length, prefix);
    }

    /** Whether {@code prefix} lies at {@code at}, entirely before {@code end}. */
    static boolean startsWith(byte[] body, int at, int end, byte[] prefix) {
        return end - at >= prefix.length && Arrays.equals(body, at, at + prefix.length, prefix, 0, prefix.length);
    }

    /** Like indexOf, but gives up at the first line feed. */
    private static int indexOfOnLine(byte[] haystack, byte[] needle, int from, int limit) {
        for (int i = from; i + needle.length <= limit; i++) {
            if (haystack[i] == '\n') {
                return -1;
            }
            if (startsWith(haystack, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    /** First index of needle lying entirely within {@code [from, limit)}, or -1. */
    private static int indexOf(byte[] haystack, byte[] needle, int from, int limit) {
        for (int i = from; i + needle.length <= limit; i++) {
            if (startsWith(haystack, i, needle)) {
                return i;
            }
        }
        return -1;
    }
}
