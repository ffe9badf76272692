package io.carpgate.xmlrpc;

/**
 * Where a string value's text lives in the original request body: the bytes {@code [start, end)} are
 * replaced by {@code open + escaped(newText) + close}. For {@code <string>abc</string>} the range covers
 * {@code abc} and open/close are empty; for an empty element {@code <string/>} the range covers the whole
 * element and open/close are {@code <string>} and {@code </string>}.
 *
 * <p>{@code untyped} marks the text of a bare {@code <value>abc</value>}: the backup drops such a value when
 * its text is blank, so a blank replacement there has to be written as a typed {@code <string>}.
 */
public record TextSlot(long start, long end, String open, String close, boolean untyped) {
    public TextSlot {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad slot [" + start + ", " + end + ")");
        }
        if (open == null || close == null) {
            throw new IllegalArgumentException("open and close are required (empty when nothing wraps the text)");
        }
    }

    /** A slot inside a typed {@code <string>}. */
    public TextSlot(long start, long end, String open, String close) {
        this(start, end, open, close, false);
    }

    /** The text of a bare {@code <value>} element. */
    public static TextSlot untyped(long start, long end) {
        return new TextSlot(start, end, "", "", true);
    }
}
