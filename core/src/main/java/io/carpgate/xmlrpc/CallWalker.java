package io.carpgate.xmlrpc;

import static javax.xml.stream.XMLStreamConstants.CDATA;
import static javax.xml.stream.XMLStreamConstants.CHARACTERS;
import static javax.xml.stream.XMLStreamConstants.COMMENT;
import static javax.xml.stream.XMLStreamConstants.DTD;
import static javax.xml.stream.XMLStreamConstants.END_DOCUMENT;
import static javax.xml.stream.XMLStreamConstants.END_ELEMENT;
import static javax.xml.stream.XMLStreamConstants.ENTITY_REFERENCE;
import static javax.xml.stream.XMLStreamConstants.PROCESSING_INSTRUCTION;
import static javax.xml.stream.XMLStreamConstants.SPACE;
import static javax.xml.stream.XMLStreamConstants.START_DOCUMENT;
import static javax.xml.stream.XMLStreamConstants.START_ELEMENT;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.stream.XMLStreamException;
import org.codehaus.stax2.XMLStreamReader2;

/**
 * Walks the StAX events of one request and accepts only the shapes where IXR's state machine and this
 * reading agree (see BackupReader). Attributes are ignored, as IXR ignores them; comments and processing
 * instructions are skipped, so text around them concatenates as in IXR. Rejection reasons name only the
 * element names carpgate expects, never a name or text taken from the body.
 */
final class CallWalker {
    private final XMLStreamReader2 xml;
    private final ByteOffsets offsets;
    private final ReaderLimits limits;
    private final KeptValues kept;
    /** What is kept costs heap until the decision is done: it is asked of the caller's budget as it grows. */
    private final KeptTally tally;
    private long values;

    CallWalker(XMLStreamReader2 xml, ByteOffsets offsets, ReaderLimits limits, KeptValues kept, KeptBudget budget) {
        this.xml = xml;
        this.offsets = offsets;
        this.limits = limits;
        this.kept = kept;
        this.tally = new KeptTally(budget);
    }

    MethodCall readCall() throws XMLStreamException, Rejection, BudgetRefused {
        requireUtf8Declaration();
        if (!nextChild("document")) {
            throw new Rejection(Rejection.INVALID_REQUEST, "no root element");
        }
        if (!xml.getLocalName().equals("methodCall")) {
            throw new Rejection(Rejection.INVALID_REQUEST, "root element is not methodCall");
        }
        if (!nextChild("methodCall")) {
            throw new Rejection(Rejection.INVALID_REQUEST, "methodCall has no methodName");
        }
        requireElement("methodName", "methodCall");
        String methodName = name(readText("methodName"), "methodName");
        List<XmlRpcValue> params = new ArrayList<>();
        if (nextChild("methodCall")) {
            // IXR would let a second methodName win, and take values outside <param>: reject both.
            requireElement("params", "methodCall");
            readParams(params, kept.forMethod(methodName));
            if (nextChild("methodCall")) {
                throw new Rejection(Rejection.INVALID_REQUEST, "unexpected element after params in methodCall");
            }
        }
        // Let the parser check everything after the root (only comments, PIs and whitespace may follow).
        while (next() != END_DOCUMENT) {
            // nothing but misc content can appear here; the parser rejects anything else
        }
        tally.settle();
        return new MethodCall(methodName, params);
    }

    /**
     * After IXR's strip, a declaration left at the start is honoured by libxml2: only UTF-8 (or none) reads
     * the same here, and only XML 1.0 has libxml2's character rules.
     */
    private void requireUtf8Declaration() throws Rejection {
        if (xml.getEventType() != START_DOCUMENT) {
            throw new IllegalStateException("reader not at document start");
        }
        String encoding = xml.getCharacterEncodingScheme();
        if (encoding != null && !encoding.equalsIgnoreCase("UTF-8")) {
            throw new Rejection(Rejection.NOT_WELL_FORMED, "XML declaration names an encoding other than UTF-8");
        }
        String version = xml.getVersion();
        if (version != null && !version.equals("1.0")) {
            throw new Rejection(Rejection.NOT_WELL_FORMED, "XML declaration names a version other than 1.0");
        }
    }

    private void readParams(List<XmlRpcValue> params, KeptValues.Node keep)
            throws XMLStreamException, Rejection, BudgetRefused {
        while (nextChild("params")) {
            requireElement("param", "params");
            if (!nextChild("param")) {
                throw new Rejection(Rejection.INVALID_REQUEST, "param without value");
            }
            requireElement("value", "param");
            Optional<XmlRpcValue> value = readValue(keep);
            if (nextChild("param")) {
                throw new Rejection(Rejection.INVALID_REQUEST, "param with more than one child");
            }
            if (value.isPresent()) { // IXR drops an untyped blank value entirely
                tally.value();
                params.add(value.get());
            }
        }
    }

    /**
     * At the start of {@code <value>}; returns empty when IXR drops the value (untyped and blank), and
     * {@link XmlRpcValue.Unread} for a value read and checked but not kept.
     */
    private Optional<XmlRpcValue> readValue(KeptValues.Node keep)
            throws XMLStreamException, Rejection, BudgetRefused {
        if (++values > limits.maxValues()) {
            throw new Rejection(Rejection.INVALID_REQUEST, "more than " + limits.maxValues() + " values");
        }
        long textStart = offsets.byteOffset(xml.getLocationInfo().getEndingCharOffset());
        // The untyped text is built only when the value is kept; its blankness is checked either way.
        StringBuilder text = keep.keepsNothing() ? null : new StringBuilder();
        boolean blank = true;
        Optional<XmlRpcValue> typed = Optional.empty();
        boolean sawChild = false;
        while (true) {
            int event = next();
            if (event == CHARACTERS) {
                if (sawChild) {
                    if (!isBlankText()) {
                        // IXR would turn this text into a second value.
                        throw new Rejection(Rejection.INVALID_REQUEST, "text after the typed element in value");
                    }
                } else {
                    blank = blank && isBlankText();
                    if (text != null) {
                        appendKept(text, "value");
                    }
                }
            } else if (event == START_ELEMENT) {
                if (sawChild) {
                    throw new Rejection(Rejection.INVALID_REQUEST, "value with more than one element");
                }
                if (!blank) {
                    // IXR silently discards text before a typed element.
                    throw new Rejection(Rejection.INVALID_REQUEST, "text mixed with a typed element in value");
                }
                sawChild = true;
                text = null;
                typed = Optional.of(readTyped(keep));
            } else { // END_ELEMENT of value
                if (sawChild) {
                    return typed;
                }
                long textEnd = offsets.byteOffset(xml.getLocationInfo().getStartingCharOffset());
                if (blank) {
                    return Optional.empty();
                }
                if (text == null) {
                    return Optional.of(XmlRpcValue.Unread.VALUE);
                }
                return Optional.of(new XmlRpcValue.Str(text.toString(), TextSlot.untyped(textStart, textEnd)));
            }
        }
    }

    private XmlRpcValue readTyped(KeptValues.Node keep) throws XMLStreamException, Rejection, BudgetRefused {
        String type = xml.getLocalName();
        if (keep.keepsNothing()) {
            return readUnkept(type);
        }
        switch (type) {
            case "string":
                return readString();
            case "int":
            case "i4":
                return new XmlRpcValue.Int(PhpScalars.toInt(PhpScalars.trim(readText(type))));
            case "double":
                return new XmlRpcValue.Dbl(PhpScalars.toDouble(PhpScalars.trim(readText(type))));
            case "boolean":
                return new XmlRpcValue.Bool(PhpScalars.toBool(PhpScalars.trim(readText(type))));
            case "base64":
                return new XmlRpcValue.Base64(readText(type));
            case "dateTime.iso8601":
                return new XmlRpcValue.DateTime(PhpScalars.trim(readText(type)));
            case "struct":
                return readStruct(keep);
            case "array":
                return readArray(keep);
            default:
                // Unknown to IXR (nil, i8, wrong case...): the backup would drop or mangle it.
                throw new Rejection(Rejection.INVALID_REQUEST, "unsupported element in value");
        }
    }

    /** The same reading and checks as {@link #readTyped}, keeping nothing (scalar conversions never reject). */
    private XmlRpcValue readUnkept(String type) throws XMLStreamException, Rejection, BudgetRefused {
        switch (type) {
            case "string", "int", "i4", "double", "boolean", "base64", "dateTime.iso8601" -> skipText(type);
            case "struct" -> readStruct(KeptValues.Node.NONE);
            case "array" -> readArray(KeptValues.Node.NONE);
            default -> throw new Rejection(Rejection.INVALID_REQUEST, "unsupported element in value");
        }
        return XmlRpcValue.Unread.VALUE;
    }

    private XmlRpcValue.Str readString() throws XMLStreamException, Rejection, BudgetRefused {
        if (xml.isEmptyElement()) {
            long start = offsets.byteOffset(xml.getLocationInfo().getStartingCharOffset());
            long end = offsets.byteOffset(xml.getLocationInfo().getEndingCharOffset());
            readText("string"); // consumes the synthetic end event
            return new XmlRpcValue.Str("", new TextSlot(start, end, "<string>", "</string>"));
        }
        long start = offsets.byteOffset(xml.getLocationInfo().getEndingCharOffset());
        String text = readText("string");
        long end = offsets.byteOffset(xml.getLocationInfo().getStartingCharOffset());
        return new XmlRpcValue.Str(text, new TextSlot(start, end, "", ""));
    }

    /** A {@link XmlRpcValue.Struct}, or {@link XmlRpcValue.Unread} when nothing of it is kept. */
    private XmlRpcValue readStruct(KeptValues.Node keep) throws XMLStreamException, Rejection, BudgetRefused {
        Map<String, XmlRpcValue> members = keep.keepsNothing() ? null : new LinkedHashMap<>();
        while (nextChild("struct")) {
            requireElement("member", "struct");
            if (!nextChild("member")) {
                throw new Rejection(Rejection.INVALID_REQUEST, "member without name");
            }
            requireElement("name", "member");
            // Below a value nothing of which is kept, the name chooses nothing: it is checked, never built.
            String name = members == null ? skipName("name") : name(readText("name"), "name");
            if (!nextChild("member")) {
                throw new Rejection(Rejection.INVALID_REQUEST, "member without value");
            }
            requireElement("value", "member");
            Optional<XmlRpcValue> value = readValue(keep.member(name));
            if (nextChild("member")) {
                throw new Rejection(Rejection.INVALID_REQUEST, "member with more than name and value");
            }
            // PHP array assignment: a repeated name replaces the value in the first one's position.
            if (members != null && value.isPresent()) {
                tally.value(); // an Unread member too: its entry and name are held
                tally.member();
                members.put(name, value.get());
            }
        }
        return members == null ? XmlRpcValue.Unread.VALUE : new XmlRpcValue.Struct(members);
    }

    /** A {@link XmlRpcValue.Array}, or {@link XmlRpcValue.Unread} when nothing of it is kept. */
    private XmlRpcValue readArray(KeptValues.Node keep) throws XMLStreamException, Rejection, BudgetRefused {
        // IXR only acts on <data>: an array without exactly one data would vanish or merge, so reject.
        if (!nextChild("array")) {
            throw new Rejection(Rejection.INVALID_REQUEST, "array without data");
        }
        requireElement("data", "array");
        List<XmlRpcValue> items = keep.keepsNothing() ? null : new ArrayList<>();
        KeptValues.Node itemKeep = keep.item();
        while (nextChild("data")) {
            requireElement("value", "data");
            Optional<XmlRpcValue> item = readValue(itemKeep);
            if (items != null && item.isPresent()) {
                tally.value();
                items.add(item.get());
            }
        }
        if (nextChild("array")) {
            throw new Rejection(Rejection.INVALID_REQUEST, "array with more than one data");
        }
        return items == null ? XmlRpcValue.Unread.VALUE : new XmlRpcValue.Array(items);
    }

    private String name(String raw, String element) throws Rejection {
        String trimmed = PhpScalars.trim(raw);
        requireNameLength(trimmed.length(), element);
        return trimmed;
    }

    private void requireNameLength(long trimmedLength, String element) throws Rejection {
        if (trimmedLength > limits.maxNameLength()) {
            throw new Rejection(Rejection.INVALID_REQUEST, element + " longer than " + limits.maxNameLength());
        }
    }

    /**
     * The same reading and checks as {@code name(readText(element), element)}, in the same order and with the same
     * words, without gathering the text: its length against the kept-text bound as each piece comes, then its
     * length once PHP-trimmed against the name bound. Returns "" (the name of a member nothing of which is kept).
     */
    private String skipName(String element) throws XMLStreamException, Rejection {
        long length = 0;
        long leading = 0; // trim space before the first other char
        long trailing = 0; // trim space after the last other char so far
        boolean other = false;
        while (next() == CHARACTERS) {
            if (length + xml.getTextLength() > limits.maxKeptChars()) {
                throw keptTooLong(element);
            }
            length += xml.getTextLength();
            char[] chars = xml.getTextCharacters();
            for (int i = xml.getTextStart(), end = i + xml.getTextLength(); i < end; i++) {
                if (!PhpScalars.isTrimSpace(chars[i])) {
                    other = true;
                    trailing = 0;
                } else if (other) {
                    trailing++;
                } else {
                    leading++;
                }
            }
        }
        if (xml.getEventType() != END_ELEMENT) {
            throw new Rejection(Rejection.INVALID_REQUEST, "element inside " + element);
        }
        requireNameLength(other ? length - leading - trailing : 0, element);
        return "";
    }

    /**
     * Collects the text of an element that must hold text only (at most {@code limits.maxKeptChars()}); leaves
     * the reader at its end tag.
     */
    private String readText(String element) throws XMLStreamException, Rejection, BudgetRefused {
        StringBuilder text = new StringBuilder();
        while (next() == CHARACTERS) {
            appendKept(text, element);
        }
        if (xml.getEventType() != END_ELEMENT) {
            throw new Rejection(Rejection.INVALID_REQUEST, "element inside " + element);
        }
        return text.toString();
    }

    /**
     * The same checks as {@link #readText} for a value not kept: its text is parsed (and so checked) by the
     * parser, in pieces, but never gathered, so a 64 MiB string nobody reads costs no heap of its own.
     */
    private void skipText(String element) throws XMLStreamException, Rejection {
        while (next() == CHARACTERS) {
            // the parser has checked this piece; nothing of it is kept
        }
        if (xml.getEventType() != END_ELEMENT) {
            throw new Rejection(Rejection.INVALID_REQUEST, "element inside " + element);
        }
    }

    /** Appends the current text event, rejecting past the kept-text bound (the gate never decides on a cut value). */
    private void appendKept(StringBuilder text, String element) throws Rejection, BudgetRefused {
        if ((long) text.length() + xml.getTextLength() > limits.maxKeptChars()) {
            throw keptTooLong(element);
        }
        tally.chars(xml.getTextLength());
        text.append(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
    }

    private Rejection keptTooLong(String element) {
        return new Rejection(Rejection.INVALID_REQUEST, element + " text longer than " + limits.maxKeptChars()
                + " chars in a value carpgate reads to decide");
    }

    /**
     * Moves to the next child element (true) or to the end of the current element (false), allowing only
     * whitespace text in between: text in a container is ignored by IXR, so it has no business there.
     */
    private boolean nextChild(String parent) throws XMLStreamException, Rejection {
        while (true) {
            int event = next();
            if (event == START_ELEMENT) {
                return true;
            }
            if (event == END_ELEMENT || event == END_DOCUMENT) {
                return false;
            }
            if (!isBlankText()) {
                throw new Rejection(Rejection.INVALID_REQUEST, "text inside " + parent);
            }
        }
    }

    private void requireElement(String expected, String parent) throws Rejection {
        if (!xml.getLocalName().equals(expected)) {
            throw new Rejection(Rejection.INVALID_REQUEST, "expected " + expected + " in " + parent);
        }
    }

    private boolean isBlankText() {
        char[] chars = xml.getTextCharacters();
        int end = xml.getTextStart() + xml.getTextLength();
        for (int i = xml.getTextStart(); i < end; i++) {
            if (!PhpScalars.isTrimSpace(chars[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * The next event that matters to IXR: elements and text (CDATA and ignorable space reported as
     * CHARACTERS). Comments and PIs are skipped; a DTD or an unexpanded entity is rejected.
     */
    private int next() throws XMLStreamException, Rejection {
        while (true) {
            int event = xml.next();
            switch (event) {
                case START_ELEMENT:
                    if (xml.getDepth() > limits.maxDepth()) {
                        throw new Rejection(Rejection.INVALID_REQUEST, "nesting deeper than " + limits.maxDepth());
                    }
                    return event;
                case END_ELEMENT:
                case END_DOCUMENT:
                    return event;
                case CHARACTERS:
                case CDATA:
                case SPACE:
                    return CHARACTERS;
                case COMMENT:
                case PROCESSING_INSTRUCTION:
                    continue;
                case DTD:
                    // The backup's libxml2 would expand internal entities; carpgate does not emulate that. The
                    // pre-scan (LexicalCheck) already rejects one with these words; this stays as a backstop.
                    throw new Rejection(Rejection.INVALID_REQUEST, "DOCTYPE not accepted");
                case ENTITY_REFERENCE:
                    throw new Rejection(Rejection.NOT_WELL_FORMED, "undeclared entity reference");
                default:
                    throw new Rejection(Rejection.NOT_WELL_FORMED, "unexpected XML event " + event);
            }
        }
    }
}
