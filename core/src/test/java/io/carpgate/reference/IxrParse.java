package io.carpgate.reference;

import io.carpgate.reference.PhpValues.PhpArray;
import io.carpgate.reference.PhpValues.PhpDate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The backup's IXR_Message::parse(), step by step as PROTOCOL.md ("How the backup parses XML-RPC") and the
 * IXR source describe it. The JDK's SAX parser stands in for libxml2. Written independently of carpgate's
 * reader ({@code io.carpgate.xmlrpc}) and of the simulator ({@code io.carpgate.sim}): it imports neither.
 *
 * <p>The steps:
 * <ol>
 *   <li>{@code preg_replace('/<\?xml.*?\?>/', '', substr($msg, 0, 100), 1)}: the first such match in the
 *       first 100 bytes is cut out, wherever it is ('.' does not cross a line feed).</li>
 *   <li>A message that is empty after PHP's trim() is a parse failure; the message itself is not trimmed.</li>
 *   <li>libxml2 reads the bytes (UTF-8 unless a BOM or a remaining declaration says otherwise); internal
 *       entities are expanded; text, CDATA and entity text all arrive through one character handler. (The
 *       parser on the nodes is in fact libxml2, which keeps a raw CR inside CDATA; emulated below.)</li>
 *   <li>tag_open resets the collected text; tag_close turns it into a value per tag and resets it.</li>
 * </ol>
 */
public final class IxrParse {
    private static final Pattern DECLARATION = Pattern.compile("<\\?xml.*?\\?>", Pattern.UNIX_LINES);
    /**
     * The encodings this reference honours in a declaration left in place. libxml2 knows more (through iconv),
     * but carpgate refuses every declared encoding other than UTF-8, so the others never matter for parity.
     */
    private static final Set<String> HONOURED_ENCODINGS = Set.of("UTF-8", "UTF-16", "ISO-8859-1", "US-ASCII");
    private static final Pattern LEFT_DECLARATION = Pattern.compile(
            "^<\\?xml[ \\t\\r\\n]+version[ \\t\\r\\n]*=[ \\t\\r\\n]*(['\"])([^'\"]*)\\1"
                    + "(?:[ \\t\\r\\n]+encoding[ \\t\\r\\n]*=[ \\t\\r\\n]*(['\"])([^'\"]*)\\3)?");

    private IxrParse() {}

    /**
     * What IXR_Message holds after parse(): {@code ok} false when parse() returned false. messageType and
     * methodName are null when never set; params is null when no value reached the top level.
     */
    public record Message(boolean ok, String messageType, String methodName, List<Object> params) {
        static Message failed() {
            return new Message(false, null, null, null);
        }
    }

    public static Message parse(byte[] body) {
        byte[] message = stripDeclaration(body);
        if (PhpValues.trim(new String(message, StandardCharsets.ISO_8859_1)).isEmpty()) {
            return Message.failed();
        }
        byte[] forParser = parserView(message);
        if (forParser == null) {
            return Message.failed();
        }
        forParser = keepCdataCarriageReturns(forParser);
        Handler handler = new Handler();
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setValidating(false);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.newSAXParser().parse(new InputSource(new ByteArrayInputStream(forParser)), handler);
        } catch (SAXException | IOException | RuntimeException e) {
            return Message.failed();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        return new Message(true, handler.messageType, handler.methodName, handler.params);
    }

    /** Step 1, on bytes: ISO-8859-1 maps each byte to one char, like PCRE without /u. */
    static byte[] stripDeclaration(byte[] body) {
        int head = Math.min(100, body.length);
        String start = new String(body, 0, head, StandardCharsets.ISO_8859_1);
        Matcher m = DECLARATION.matcher(start);
        if (!m.find()) {
            return body.clone();
        }
        byte[] out = new byte[body.length - (m.end() - m.start())];
        System.arraycopy(body, 0, out, 0, m.start());
        System.arraycopy(body, m.end(), out, m.start(), body.length - m.end());
        return out;
    }

    /**
     * Where the JDK parser and the backup's parser differ on a declaration still at the start: only these
     * encodings are honoured here (see above), and any version is read with XML 1.0 rules. Returns null when the
     * message cannot be read that way.
     */
    private static byte[] parserView(byte[] message) {
        String head = new String(message, 0, Math.min(message.length, 200), StandardCharsets.ISO_8859_1);
        Matcher m = LEFT_DECLARATION.matcher(head);
        if (!m.find()) {
            return message;
        }
        if (m.group(4) != null && !HONOURED_ENCODINGS.contains(m.group(4).toUpperCase(Locale.ROOT))) {
            return null;
        }
        byte[] out = message.clone();
        if (m.group(2).equals("1.1")) {
            out[m.start(2) + 2] = '0'; // read with XML 1.0 rules, as the backup's parser does
        }
        return out;
    }

    /**
     * libxml2 (PHP's XML parser on the backup) keeps a raw CR inside a CDATA section, where the JDK parser
     * turns it into LF. Splitting the section around a character reference {@code &#13;} gives the JDK
     * parser the same text libxml2 reads. Comments and PIs are skipped so a "<![CDATA[" inside them is not
     * taken for a section.
     */
    static byte[] keepCdataCarriageReturns(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("<!--", i) || text.startsWith("<?", i)) {
                int close = text.indexOf(text.startsWith("<!--", i) ? "-->" : "?>", i + 2);
                int to = close < 0 ? text.length() : close + (text.startsWith("<!--", i) ? 3 : 2);
                out.append(text, i, to);
                i = to;
            } else if (text.startsWith("<![CDATA[", i)) {
                int close = text.indexOf("]]>", i + 9);
                int to = close < 0 ? text.length() : close + 3;
                out.append(text.substring(i, to).replace("\r", "]]>&#13;<![CDATA["));
                i = to;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** IXR_Message's tag_open, cdata and tag_close. */
    private static final class Handler extends DefaultHandler {
        String messageType;
        String methodName;
        List<Object> params;
        private final List<PhpArray> arrayStructs = new ArrayList<>();
        private final List<String> arrayStructTypes = new ArrayList<>();
        private final List<String> currentStructName = new ArrayList<>();
        private StringBuilder contents = new StringBuilder();

        @Override
        public void startElement(String uri, String localName, String tag, Attributes attributes) {
            contents = new StringBuilder();
            switch (tag) {
                case "methodCall", "methodResponse", "fault" -> messageType = tag;
                case "data" -> {
                    arrayStructTypes.add("array");
                    arrayStructs.add(new PhpArray());
                }
                case "struct" -> {
                    arrayStructTypes.add("struct");
                    arrayStructs.add(new PhpArray());
                }
                default -> { }
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            contents.append(ch, start, length);
        }

        @Override
        public void endElement(String uri, String localName, String tag) {
            String text = contents.toString();
            boolean valueFlag = false;
            Object value = null;
            switch (tag) {
                case "int", "i4" -> {
                    value = PhpValues.toInt(PhpValues.trim(text));
                    valueFlag = true;
                }
                case "double" -> {
                    value = PhpValues.toDouble(PhpValues.trim(text));
                    valueFlag = true;
                }
                case "string" -> {
                    value = text; // not trimmed (PROTOCOL.md: only names are)
                    valueFlag = true;
                }
                case "dateTime.iso8601" -> {
                    value = new PhpDate(PhpValues.trim(text));
                    valueFlag = true;
                }
                case "value" -> {
                    if (!PhpValues.trim(text).isEmpty()) {
                        value = text;
                        valueFlag = true;
                    }
                }
                case "boolean" -> {
                    value = PhpValues.toBool(PhpValues.trim(text));
                    valueFlag = true;
                }
                case "base64" -> {
                    value = PhpValues.base64Decode(text);
                    valueFlag = true;
                }
                case "data", "struct" -> {
                    value = pop(arrayStructs);
                    pop(arrayStructTypes);
                    valueFlag = true;
                }
                case "member" -> pop(currentStructName);
                case "name" -> currentStructName.add(PhpValues.trim(text));
                case "methodName" -> methodName = PhpValues.trim(text);
                default -> { }
            }
            if (valueFlag) {
                if (!arrayStructs.isEmpty()) {
                    PhpArray top = arrayStructs.get(arrayStructs.size() - 1);
                    if (arrayStructTypes.get(arrayStructTypes.size() - 1).equals("struct")) {
                        // $name[count - 1] of an empty stack is null, which PHP uses as the key "".
                        String name = currentStructName.isEmpty() ? null
                                : currentStructName.get(currentStructName.size() - 1);
                        top.put(name, value);
                    } else {
                        top.append(value);
                    }
                } else {
                    if (params == null) {
                        params = new ArrayList<>();
                    }
                    params.add(value);
                }
            }
            contents = new StringBuilder();
        }

        /** array_pop: null on an empty stack. */
        private static <T> T pop(List<T> stack) {
            return stack.isEmpty() ? null : stack.remove(stack.size() - 1);
        }
    }
}
