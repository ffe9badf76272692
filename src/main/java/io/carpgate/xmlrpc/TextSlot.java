package io.carpgate.xmlrpc;

/**
 * Where a string value's text lives in the original request body: the bytes {@code [start, end)} are
 * replaced by {@code open + escaped(newText) + close}. For {@code <string>abc</string>} the range covers
 * {@code abc} and open/close are empty; for an empty element {@code <string/>} the range covers the whole
 * element and open/close are {@code <string>} and {@code </string>}.
 */
public record TextSlot(long start, long end, String open, String close) {
    public TextSlot {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad slot [" + start + ", " + end + ")");
        }
    }
}
