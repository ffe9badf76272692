package io.carpgate.sim;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes responses the way IXR_Value::getXml() and IXR_Server::serve() do on the backup, byte for byte
 * (whitespace included), because carpgate's tests compare what passes through it with these bytes.
 */
final class IxrWriter {
    private static final String DECLARATION = "<?xml version=\"1.0\"?>\n";

    /** The untyped-string answer OPNsense's xmlrpc.php writes itself when Basic auth fails. */
    static final String AUTH_FAILED = DECLARATION
            + "<methodResponse>\n"
            + "<params>\n"
            + "    <param>\n"
            + "      <value>Authentication failed</value>\n"
            + "    </param>\n"
            + "  </params>\n"
            + "</methodResponse>\n";

    private IxrWriter() {}

    static byte[] response(Object result) {
        String xml = DECLARATION
                + "<methodResponse>\n"
                + "  <params>\n"
                + "    <param>\n"
                + "      <value>\n"
                + "      " + value(result) + "\n"
                + "      </value>\n"
                + "    </param>\n"
                + "  </params>\n"
                + "</methodResponse>\n\n";
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] fault(IxrFault fault) {
        String xml = DECLARATION
                + "<methodResponse>\n"
                + "  <fault>\n"
                + "    <value>\n"
                + "      <struct>\n"
                + "        <member>\n"
                + "          <name>faultCode</name>\n"
                + "          <value><int>" + fault.code() + "</int></value>\n"
                + "        </member>\n"
                + "        <member>\n"
                + "          <name>faultString</name>\n"
                // IXR_Error's constructor already ran htmlspecialchars() on the message.
                + "          <value><string>" + Php.htmlspecialchars(fault.message()) + "</string></value>\n"
                + "        </member>\n"
                + "      </struct>\n"
                + "    </value>\n"
                + "  </fault>\n"
                + "</methodResponse>\n";
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    /** IXR_Value::getXml(): type from the Java shape, as calculateType() does from the PHP one. */
    static String value(Object v) {
        if (v instanceof Boolean b) {
            return "<boolean>" + (b ? "1" : "0") + "</boolean>";
        }
        if (v instanceof Long || v instanceof Integer) {
            return "<int>" + v + "</int>";
        }
        if (v instanceof Double d) {
            return "<double>" + Php.numberToString(d) + "</double>";
        }
        if (v instanceof IxrDate d) {
            return "<dateTime.iso8601>" + d.iso() + "</dateTime.iso8601>";
        }
        if (v instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return array(List.of()); // PHP cannot tell an empty struct from an empty array
            }
            if (!isStruct(map)) {
                return array(List.copyOf(map.values()));
            }
            StringBuilder out = new StringBuilder("<struct>\n");
            // Member names are not escaped by IXR.
            map.forEach((k, val) -> out.append("  <member><name>").append(k).append("</name><value>")
                    .append(value(val)).append("</value></member>\n"));
            return out.append("</struct>").toString();
        }
        if (v instanceof List<?> list) {
            return array(list);
        }
        return "<string>" + Php.htmlspecialchars(Php.toStringValue(v)) + "</string>";
    }

    /** IXR_Value::isStruct(): any key that is not the next of 0, 1, 2, ... (as a string) makes a struct. */
    private static boolean isStruct(Map<?, ?> map) {
        int expected = 0;
        for (Object key : map.keySet()) {
            if (!String.valueOf(key).equals(Integer.toString(expected))) {
                return true;
            }
            expected++;
        }
        return false;
    }

    private static String array(List<?> list) {
        StringBuilder out = new StringBuilder("<array><data>\n");
        for (Object item : list) {
            out.append("  <value>").append(value(item)).append("</value>\n");
        }
        return out.append("</data></array>").toString();
    }
}
