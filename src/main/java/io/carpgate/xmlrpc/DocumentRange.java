package io.carpgate.xmlrpc;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The bytes {@code [start, end)} of a body that the backup's expat parses. IXR_Message::parse() first
 * removes the first match of {@code <\?xml.*?\?>} (DOTALL) found in the first 100 bytes, then PHP-trims the
 * message. carpgate accepts the removed declaration only when nothing but whitespace precedes it, so what
 * expat reads is one contiguous range of the original body and offsets map back by a constant.
 */
record DocumentRange(int start, int end) {
    private static final int PROLOG_WINDOW = 100;
    private static final byte[] DECL_OPEN = {'<', '?', 'x', 'm', 'l'};
    private static final byte[] DECL_CLOSE = {'?', '>'};

    static DocumentRange locate(byte[] body) throws Refusal {
        if (startsWith(body, 0, new byte[] {(byte) 0xFE, (byte) 0xFF})
                || startsWith(body, 0, new byte[] {(byte) 0xFF, (byte) 0xFE})) {
            // expat would decode UTF-16; carpgate reads UTF-8 only.
            throw new Refusal(Refusal.NOT_WELL_FORMED, "UTF-16 byte order mark");
        }
        int cursor = 0;
        int window = Math.min(body.length, PROLOG_WINDOW);
        int open = indexOf(body, DECL_OPEN, 0, window);
        if (open >= 0) {
            int close = indexOf(body, DECL_CLOSE, open + DECL_OPEN.length, window);
            if (close >= 0) {
                for (int i = 0; i < open; i++) {
                    if (!PhpScalars.isTrimSpace(body[i])) {
                        throw new Refusal(Refusal.INVALID_REQUEST,
                                "XML declaration removed by the backup is not at the start (byte " + open + ")");
                    }
                }
                cursor = close + DECL_CLOSE.length;
            }
        }
        int start = cursor;
        int end = body.length;
        while (start < end && PhpScalars.isTrimSpace(body[start])) {
            start++;
        }
        while (end > start && PhpScalars.isTrimSpace(body[end - 1])) {
            end--;
        }
        if (start == end) {
            throw new Refusal(Refusal.NOT_WELL_FORMED, "empty body");
        }
        if (startsWith(body, start, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})) {
            // A master never sends one; refusing keeps offsets and expat's view simple.
            throw new Refusal(Refusal.NOT_WELL_FORMED, "UTF-8 byte order mark at byte " + start);
        }
        DocumentRange range = new DocumentRange(start, end);
        range.requireUtf8(body);
        return range;
    }

    /** Strict UTF-8 check in small chunks, so a bad byte is refused with its offset and no big buffer. */
    private void requireUtf8(byte[] body) throws Refusal {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body, start, end - start);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw new Refusal(Refusal.NOT_WELL_FORMED, "malformed UTF-8 at byte " + in.position());
            }
            out.clear();
            if (result.isUnderflow()) {
                break;
            }
        }
        CoderResult flushed = decoder.flush(out);
        if (flushed.isError()) {
            throw new Refusal(Refusal.NOT_WELL_FORMED, "malformed UTF-8 at byte " + in.position());
        }
    }

    private static boolean startsWith(byte[] body, int at, byte[] prefix) {
        if (body.length - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
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
