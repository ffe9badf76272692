package io.carpgate.xmlrpc;

/** Which Java strings survive a trip through XML 1.0 text unchanged. */
final class XmlText {
    private XmlText() {}

    /**
     * True when every code point is an XML 1.0 Char and there is no CR: a parser (libxml2 included)
     * turns a raw CR into LF, so text carrying one would not read back as written.
     */
    static boolean roundTrips(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
                continue;
            }
            boolean legal = c == '\t' || c == '\n' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            if (!legal) {
                return false;
            }
        }
        return true;
    }
}
