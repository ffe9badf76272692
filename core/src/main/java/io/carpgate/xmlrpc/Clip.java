package io.carpgate.xmlrpc;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Cuts a text a client chose before carpgate keeps or echoes it (an answer, a log line, the status page):
 * at most {@code max} chars, then a marker saying how many bytes (UTF-8) were left out, so no value a client
 * sends is kept or repeated unbounded. The one place every such cut is made.
 */
public final class Clip {
    /** Names, ids, service and method names, user names, User-Agent. */
    public static final int SHORT = 256;
    /** Reasons, messages, request lines (path and query), lists of items. */
    public static final int LONG = 2048;
    /** The longest marker ("…(+" 19 digits " bytes)"): a text already cut is within it and not cut again. */
    private static final int MARKER_ROOM = 32;

    /**
     * Controls (C0, DEL, C1 with NEL), format characters (bidirectional overrides that reorder what a reader sees) and
     * the Unicode line and paragraph separators: what could end a line of text, start another, or reorder it.
     */
    private static final Pattern LINE_BREAKING = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]");

    private Clip() {}

    /** {@code text} with every char that could break or reorder a line of text as '?': the one place this is done. */
    public static String oneLine(String text) {
        return LINE_BREAKING.matcher(text).replaceAll("?");
    }

    /** {@code text} itself if at most {@code max} chars (plus a marker's room: cutting twice changes nothing), else its first {@code max} chars and the marker. */
    public static String to(int max, String text) {
        if (text.length() <= max + MARKER_ROOM) {
            return text;
        }
        int end = max;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never half a character
        }
        long left = text.substring(end).getBytes(StandardCharsets.UTF_8).length;
        return text.substring(0, end) + "…(+" + left + " bytes)";
    }
}
