package io.carpgate.sim;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * A literal emulation of PHP's IXR_Message::parse() (IXR 1.7.x as shipped on OPNsense), on the JDK's
 * SAX parser standing in for libxml2. It is deliberately independent of carpgate's own reader: it is the
 * backup's point of view, so where the two disagree the gate is wrong, not this.
 */
final class IxrReader {
    /** preg_replace('/<\?xml.*?\?>/', '', substr($msg, 0, 100), 1): no /s, so '.' stops at '\n' only. */
    private static final Pattern XML_DECLARATION = Pattern.compile("<\\?xml.*?\\?>", Pattern.UNIX_LINES);
    private static final int HEADER_BYTES = 100;

    private IxrReader() {}

    /** Empty when IXR's parse() returns false (empty message or not well-formed for libxml2). */
    static Optional<IxrMessage> parse(byte[] body) {
        byte[] message = stripDeclaration(body);
        if (Php.trim(new String(message, StandardCharsets.ISO_8859_1)).isEmpty()) {
            return Optional.empty();
        }
        Handler handler = new Handler();
        try {
            InputSource source = new InputSource(new ByteArrayInputStream(libxml2Cdata(message)));
            source.setEncoding("UTF-8"); // the declaration (and its encoding) is gone; libxml2 defaults to UTF-8
            newParser().parse(source, handler);
        } catch (SAXException | IOException e) {
            return Optional.empty();
        }
        return Optional.of(new IxrMessage(handler.messageType, handler.methodName, handler.params));
    }

    private static byte[] stripDeclaration(byte[] body) {
        int headLength = Math.min(HEADER_BYTES, body.length);
        // ISO-8859-1 maps bytes 1:1, so the regex works on bytes like PCRE without /u.
        String head = new String(body, 0, headLength, StandardCharsets.ISO_8859_1);
        byte[] newHead = XML_DECLARATION.matcher(head).replaceFirst("").getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[newHead.length + body.length - headLength];
        System.arraycopy(newHead, 0, out, 0, newHead.length);
        System.arraycopy(body, headLength, out, newHead.length, body.length - headLength);
        return out;
    }

    /**
     * The nodes' PHP XML parser is libxml2, which keeps a raw CR inside a CDATA section (the JDK parser makes it
     * LF): each such CR is handed to the JDK parser as a character reference between two CDATA sections.
     */
    private static byte[] libxml2Cdata(byte[] message) {
        String in = new String(message, StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder(in.length());
        int at = 0;
        while (at < in.length()) {
            int comment = in.indexOf("<!--", at);
            int pi = in.indexOf("<?", at);
            int cdata = in.indexOf("<![CDATA[", at);
            int next = min(comment, min(pi, cdata));
            if (next < 0) {
                out.append(in, at, in.length());
                break;
            }
            String close = next == cdata ? "]]>" : next == comment ? "-->" : "?>";
            int end = in.indexOf(close, next + 2);
            end = end < 0 ? in.length() : end + close.length();
            out.append(in, at, next);
            String markup = in.substring(next, end);
            out.append(next == cdata ? markup.replace("\r", "]]>&#13;<![CDATA[") : markup);
            at = end;
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int min(int a, int b) {
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    private static SAXParser newParser() throws SAXException {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(false); // libxml2 as PHP uses it: "x:name" is just a tag name
            factory.setValidating(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            // Internal entities are expanded (as libxml2 does); nothing external is ever fetched.
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            SAXParser parser = factory.newSAXParser();
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return parser;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("JDK SAX parser lacks a required feature", e);
        }
    }

    /** tag_open / cdata / tag_close of IXR_Message, line by line. */
    private static final class Handler extends DefaultHandler {
        private String messageType = "";
        private String methodName = "";
        private final List<Object> params = new ArrayList<>();
        private final Deque<Object> arrayStructs = new ArrayDeque<>(); // Map (struct) or List (array)
        private final List<String> structNames = new ArrayList<>();
        private final StringBuilder contents = new StringBuilder();

        @Override
        public void startElement(String uri, String localName, String tag, Attributes attributes) {
            contents.setLength(0);
            switch (tag) {
                case "methodCall", "methodResponse", "fault" -> messageType = tag;
                case "data" -> arrayStructs.push(new ArrayList<>());
                case "struct" -> arrayStructs.push(new LinkedHashMap<String, Object>());
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
            Optional<Object> value = switch (tag) {
                case "int", "i4" -> Optional.of(Php.toInt(Php.trim(text)));
                case "double" -> Optional.of(Php.toDouble(Php.trim(text)));
                // OPNsense's IXR copy keeps a typed string as sent ("(string)$contents", no trim), unlike
                // upstream IXR 1.7.4; PROTOCOL.md trims only names.
                case "string" -> Optional.of(text);
                case "dateTime.iso8601" -> Optional.of(new IxrDate(Php.trim(text)));
                // "If no type is indicated, the type is string" -- but only when there is visible text.
                case "value" -> Php.trim(text).isEmpty() ? Optional.empty() : Optional.of(text);
                case "boolean" -> Optional.of(Php.truthy(Php.trim(text)));
                case "base64" -> Optional.of(base64Decode(text));
                case "data", "struct" -> Optional.of(arrayStructs.pop());
                default -> Optional.empty();
            };
            switch (tag) {
                case "member" -> {
                    if (!structNames.isEmpty()) {
                        structNames.remove(structNames.size() - 1);
                    }
                }
                case "name" -> structNames.add(Php.trim(text));
                case "methodName" -> methodName = Php.trim(text);
                default -> { }
            }
            value.ifPresent(this::add);
            contents.setLength(0);
        }

        @SuppressWarnings("unchecked")
        private void add(Object value) {
            if (arrayStructs.isEmpty()) {
                params.add(value);
            } else if (arrayStructs.peek() instanceof Map<?, ?> struct) {
                // An unnamed member uses PHP's null key, which becomes "". put() keeps the first position.
                String name = structNames.isEmpty() ? "" : structNames.get(structNames.size() - 1);
                ((Map<String, Object>) struct).put(name, value);
            } else {
                ((List<Object>) arrayStructs.peek()).add(value);
            }
        }
    }

    /** base64_decode() in PHP's default, non-strict mode: characters outside the alphabet are skipped. */
    static String base64Decode(String text) {
        StringBuilder alphabet = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
                alphabet.append(c);
            }
        }
        int usable = alphabet.length() - (alphabet.length() % 4 == 1 ? 1 : 0); // a lone 6-bit tail makes no byte
        byte[] bytes = Base64.getDecoder().decode(pad(alphabet.substring(0, usable)));
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String pad(String s) {
        return s + "==".substring(0, (4 - s.length() % 4) % 4 == 3 ? 2 : (4 - s.length() % 4) % 4);
    }
}
