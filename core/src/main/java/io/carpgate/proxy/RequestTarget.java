package io.carpgate.proxy;

import java.util.Optional;

/**
 * The path and query as written on the request line, accepted only when there is one way to read them.
 *
 * <p>Jetty serves the normalised path ({@code /a/../ab/} is {@code /ab/}), while a router reading the raw text
 * would pick pair {@code a}; and the backup call is built through {@code java.net.URI}, which throws on a query
 * holding {@code | { } ^ " < > \}, a space or a broken {@code %}. A master writes neither (its path is the base URL
 * it was given plus {@code xmlrpc.php}; it sends no query), so carpgate rejects both kinds with 400 and a reason
 * rather than guessing which reading the client meant: the path routed on, the path Jetty serves and the path the
 * backup would see can then never differ, and every query that is accepted goes to the backup byte for byte.
 */
final class RequestTarget {
    /** RFC 3986 pchar without percent-encoding and without ';' (Jetty strips path parameters): all a master writes. */
    private static final String PATH_CHARS = "-._~!$&'()*+,=:@";
    /** RFC 3986 query characters besides letters, digits and percent-encoding. */
    private static final String QUERY_CHARS = "-._~!$&'()*+,;=:@/?";

    private RequestTarget() {}

    /** Why this request line's path or query is rejected, or empty when both have a single reading. */
    static Optional<String> rejection(String rawPath, Optional<String> rawQuery) {
        Optional<String> path = pathRejection(rawPath);
        return path.isPresent() ? path : rawQuery.flatMap(RequestTarget::queryRejection);
    }

    static Optional<String> pathRejection(String path) {
        if (!path.startsWith("/")) {
            return Optional.of("the path must start with '/'");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c != '/' && !alphanumeric(c) && PATH_CHARS.indexOf(c) < 0) {
                return Optional.of("the path holds " + describe(c) + " at position " + i + "; carpgate accepts only "
                        + "letters, digits, '/' and " + PATH_CHARS + " in a path (no percent-encoding, no ';')");
            }
        }
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("the path holds a '" + segment + "' segment; write the path it stands for");
            }
            if (segment.isEmpty() && i < segments.length - 1) {
                return Optional.of("the path holds an empty segment ('//')");
            }
        }
        return Optional.empty();
    }

    static Optional<String> queryRejection(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '%') {
                if (i + 2 >= query.length() || !hex(query.charAt(i + 1)) || !hex(query.charAt(i + 2))) {
                    return Optional.of("the query string holds a '%' not followed by two hex digits at position " + i);
                }
                i += 2;
            } else if (!alphanumeric(c) && QUERY_CHARS.indexOf(c) < 0) {
                return Optional.of("the query string holds " + describe(c) + " at position " + i
                        + ", which a URI must percent-encode");
            }
        }
        return Optional.empty();
    }

    private static boolean alphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** A printable ASCII character as itself, anything else by its code: a client's text is never echoed raw. */
    private static String describe(char c) {
        return c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format("the character U+%04X", (int) c);
    }
}
