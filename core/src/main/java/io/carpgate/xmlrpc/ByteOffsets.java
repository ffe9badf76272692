package io.carpgate.xmlrpc;

/**
 * Turns Woodstox's char offsets (UTF-16 units from the start of the parsed range) into byte offsets in the
 * original body. The range was checked to be strict UTF-8, so every char offset at a markup boundary has
 * exactly one byte offset. Queries come in document order, so a forward cursor makes the whole read O(n).
 */
final class ByteOffsets {
    private final byte[] body;
    private final int base;
    private final int end;
    private long chars;
    private int pos;

    ByteOffsets(byte[] body, DocumentRange range) {
        this.body = body;
        this.base = range.start();
        this.end = range.end();
        this.pos = base;
    }

    long byteOffset(long charOffset) {
        if (charOffset < chars) {
            chars = 0;
            pos = base;
        }
        while (chars < charOffset && pos < end) {
            // An ASCII byte is one char: most of an XML-RPC body is passed in this tight loop.
            int stop = (int) Math.min(end, pos + (charOffset - chars));
            int at = pos;
            while (at < stop && body[at] >= 0) {
                at++;
            }
            chars += at - pos;
            pos = at;
            if (chars == charOffset || pos >= end) {
                break; // otherwise the run ended at a multi-byte sequence's lead byte
            }
            int lead = body[pos] & 0xFF;
            int length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
            chars += length == 4 ? 2 : 1; // four-byte sequences are surrogate pairs in Java
            pos += length;
        }
        if (chars != charOffset) {
            throw new IllegalStateException("char offset " + charOffset + " is not on a code point boundary");
        }
        return pos;
    }
}
