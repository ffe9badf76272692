package io.carpgate.observe;

import java.util.regex.Pattern;

/**
 * What a text log (access.log, the console, carpgate.log) may hold of a text a client chose: nothing that ends a line
 * or starts another, whatever the client sent. XML carries a line feed as {@code &#10;}, and NEL (U+0085), LINE
 * SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) are valid XML that {@code \p{Cntrl}} (ASCII only) does not match,
 * yet editors, log viewers and {@code str.splitlines()} break lines there. The one place such texts are cleaned.
 */
public final class LogText {
    /** Anything but printable ASCII: a space would end an unquoted field, anything else may end the line. */
    private static final Pattern NOT_A_TOKEN = Pattern.compile("[^\\x21-\\x7e]");

    private LogText() {}

    /** For a field written unquoted (a user name, a method): every char outside printable ASCII becomes '?'. */
    public static String token(String text) {
        return NOT_A_TOKEN.matcher(text).replaceAll("?");
    }

    /** For a text inside a line (quoted, or a message's part): every char that could break or reorder it becomes '?'. */
    public static String oneLine(String text) {
        return io.carpgate.xmlrpc.Clip.oneLine(text);
    }
}
