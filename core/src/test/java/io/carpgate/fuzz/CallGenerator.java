package io.carpgate.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.nio.charset.StandardCharsets;

/**
 * Builds XML-RPC request bodies from fuzzer choices, fragment by fragment, so the fuzzer reaches deep into
 * the reader (structs in arrays in multicalls...) instead of stalling on well-formedness. Every choice can
 * also produce a near miss: raw fuzzer text, odd prologs, stray text, unknown elements.
 */
final class CallGenerator {
    static final String WG0 = "3d2c1b0a-9f8e-4d7c-a6b5-4c3d2e1f0a9b";
    private static final String[] PROLOGS = {"", "<?xml version=\"1.0\"?>\n", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
            "<?xml version='1.0' encoding='UTF-8'?>\r\n", "\n  ", "\u000B", "<?xml version=\"1.0\"?>\n<?xml version=\"1.0\"?>",
            "<?xml version=\"1.0\"?><?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version=\"1.1\"?>",
            "<!-- c -->", "<?xml-stylesheet x?>", "\uFEFF", "<!DOCTYPE methodCall>", "<?xml version=\"1.0\"\n?>",
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "\0", "                                                                                                    "};
    private static final String[] METHODS = {"opnsense.restart_service", "opnsense.start_service", "system.multicall",
            "opnsense.restore_config_section", "opnsense.firmware_version", "opnsense.stop_service", ""};
    private static final String[] NAMES = {"service", "id", "methodName", "params", "carp_depend_on", "0", "", "x"};
    private static final String[] WORDS = {"wireguard", "*", WG0, "", " ", "0", "unbound", "1", "a&amp;b", "&lt;",
            "&#119;", "&#x2a;", "\n", "\r\n", "\t", "é", "\uD83D\uDE00", "]]>", "&quot;", "<![CDATA[\r]]>",
            "<![CDATA[a\r\nb]]>", "&#13;", "\r"};
    private static final String[] TYPES = {"string", "int", "i4", "double", "boolean", "base64", "dateTime.iso8601", "nil",
            "String", "i8"};

    private CallGenerator() {}

    static byte[] body(FuzzedDataProvider d) {
        StringBuilder b = new StringBuilder();
        b.append(pick(d, PROLOGS));
        if (d.consumeBoolean()) {
            b.append(pick(d, PROLOGS));
        }
        String root = d.consumeInt(0, 15) == 0 ? pick(d, new String[] {"methodResponse", "fault", "methodcall"}) : "methodCall";
        b.append('<').append(root).append(d.consumeInt(0, 7) == 0 ? " a=\"1\"" : "").append('>').append(gap(d));
        if (d.consumeInt(0, 15) != 0) {
            b.append("<methodName>").append(text(d, METHODS)).append("</methodName>").append(gap(d));
        }
        if (d.consumeInt(0, 15) == 0) {
            b.append("<methodName>").append(text(d, METHODS)).append("</methodName>");
        }
        if (d.consumeInt(0, 15) != 0) {
            b.append("<params>").append(gap(d));
            int params = d.consumeInt(0, 3);
            for (int i = 0; i < params; i++) {
                b.append("<param>").append(gap(d)).append(value(d, 0)).append(gap(d)).append("</param>").append(gap(d));
            }
            if (d.consumeInt(0, 15) == 0) {
                b.append(value(d, 1)); // a value outside <param>
            }
            b.append("</params>");
        }
        b.append(gap(d)).append("</").append(root).append('>');
        if (d.consumeInt(0, 7) == 0) {
            b.append(pick(d, new String[] {"\n", "<!-- t -->", "<?t?>", "x", "<a/>", "\u000B"}));
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String value(FuzzedDataProvider d, int depth) {
        StringBuilder b = new StringBuilder("<value>");
        int kind = d.consumeInt(0, depth >= 4 ? 3 : 7);
        switch (kind) {
            case 0 -> b.append(text(d, WORDS)); // untyped
            case 1, 2 -> {
                String type = d.consumeInt(0, 3) == 0 ? pick(d, TYPES) : "string";
                b.append(gap(d));
                if (d.consumeInt(0, 9) == 0) {
                    b.append('<').append(type).append("/>");
                } else {
                    b.append('<').append(type).append('>').append(text(d, WORDS)).append("</").append(type).append('>');
                }
                b.append(gap(d));
                if (d.consumeInt(0, 15) == 0) {
                    b.append(text(d, WORDS)); // text after the typed element
                }
            }
            case 3 -> b.append(d.consumeBoolean() ? "<string></string>" : "<boolean>" + pick(d, new String[] {"1", "0", " 1 ", "true"}) + "</boolean>");
            case 4, 5 -> {
                b.append("<struct>").append(gap(d));
                int members = d.consumeInt(0, 3);
                for (int i = 0; i < members; i++) {
                    b.append("<member>").append(gap(d));
                    if (d.consumeInt(0, 15) != 0) {
                        b.append("<name>").append(text(d, NAMES)).append("</name>").append(gap(d));
                    }
                    if (d.consumeInt(0, 15) != 0) {
                        b.append(value(d, depth + 1));
                    }
                    b.append(gap(d)).append("</member>").append(gap(d));
                }
                b.append("</struct>");
            }
            default -> {
                b.append("<array>").append(gap(d));
                boolean data = d.consumeInt(0, 15) != 0;
                if (data) {
                    b.append("<data>").append(gap(d));
                }
                int items = d.consumeInt(0, 3);
                for (int i = 0; i < items; i++) {
                    b.append(value(d, depth + 1)).append(gap(d));
                }
                if (data) {
                    b.append("</data>");
                }
                b.append(gap(d)).append("</array>");
            }
        }
        return b.append("</value>").toString();
    }

    /** Text as one to three pieces: words, references, CDATA, comments, PIs, or raw fuzzer text. */
    private static String text(FuzzedDataProvider d, String[] words) {
        StringBuilder b = new StringBuilder();
        int pieces = d.consumeInt(1, 3);
        for (int i = 0; i < pieces; i++) {
            switch (d.consumeInt(0, 9)) {
                case 0 -> b.append("<![CDATA[").append(pick(d, words)).append("]]>");
                case 1 -> b.append("<!--").append(d.consumeInt(0, 3) == 0 ? "-" : "c").append("-->");
                case 2 -> b.append("<?p ").append(pick(d, new String[] {"x", "?", ""})).append("?>");
                case 3 -> b.append(d.consumeString(12));
                case 4 -> b.append(pick(d, new String[] {" ", "\n", "\t", "\r", " \r\n "}));
                default -> b.append(pick(d, words));
            }
        }
        return b.toString();
    }

    /** What may stand between elements: nothing, whitespace, comments, PIs, or (rarely) stray text. */
    private static String gap(FuzzedDataProvider d) {
        return switch (d.consumeInt(0, 15)) {
            case 0 -> "\n  ";
            case 1 -> "<!-- g -->";
            case 2 -> "<?g ?>";
            case 3 -> "\r\n";
            case 4 -> d.consumeInt(0, 3) == 0 ? "x" : " ";
            case 5 -> d.consumeInt(0, 7) == 0 ? "<extra/>" : "\t";
            default -> "";
        };
    }

    private static String pick(FuzzedDataProvider d, String[] options) {
        return options[d.consumeInt(0, options.length - 1)];
    }
}
