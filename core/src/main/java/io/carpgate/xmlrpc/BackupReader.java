package io.carpgate.xmlrpc;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.exc.WstxLazyException;
import com.ctc.wstx.stax.WstxInputFactory;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import org.codehaus.stax2.XMLInputFactory2;
import org.codehaus.stax2.XMLStreamReader2;

/**
 * Reads an XML-RPC request body the way the backup's IXR parser does (PROTOCOL.md, "How the backup parses
 * XML-RPC"), and rejects wherever carpgate's reading could differ from the backup's. The result's values
 * are what the backup ends up with; every string carries the byte range of its text in {@code body}.
 *
 * <p>Decisions, each so that any body carpgate accepts is read by the backup exactly as here (or rejected
 * by it outright):
 * <ul>
 *   <li>IXR's declaration strip is emulated (first {@code <?xml...?>} on one line inside the first 100
 *       bytes), but only when nothing but XML white space precedes that declaration; libxml2 then reads the
 *       rest untrimmed, so only XML white space may surround the document, and a declaration still at its
 *       very start is honoured by libxml2, so it must say UTF-8 (or nothing) and version 1.0.</li>
 *   <li>Strict UTF-8 only; any byte order mark is rejected (a master never sends one).</li>
 *   <li>Any DOCTYPE is rejected, before the parser reads it; nothing external is ever resolved.</li>
 *   <li>Only the regular methodCall shape is accepted (see {@link CallWalker}); attributes are ignored,
 *       comments and processing instructions skipped, as IXR does (each at most 4 KiB, and names in tags at
 *       most 1 KiB: {@link LexicalCheck} bounds what the parser would build of markup nobody keeps).</li>
 * </ul>
 * Unreadable reasons name element names, limits and byte offsets only; Woodstox's own messages, which
 * quote the body, are never passed on.
 */
public final class BackupReader {
    private static final XMLInputFactory2 DEFAULT_FACTORY = factory(ReaderLimits.defaults());

    private BackupReader() {}

    public static ReadResult read(byte[] body) {
        return read(body, ReaderLimits.defaults(), DEFAULT_FACTORY, KeptValues.ALL, KeptBudget.UNBOUNDED);
    }

    public static ReadResult read(byte[] body, ReaderLimits limits) {
        return read(body, limits, limits.equals(ReaderLimits.defaults()) ? DEFAULT_FACTORY : factory(limits),
                KeptValues.ALL, KeptBudget.UNBOUNDED);
    }

    /** Reads and checks everything, and keeps only what {@code kept} names (see {@link KeptValues}). */
    public static ReadResult read(byte[] body, KeptValues kept) {
        return read(body, kept, KeptBudget.UNBOUNDED);
    }

    /**
     * The same, asking {@code budget} for the heap of what it keeps as it goes (an estimate: a fixed cost per kept
     * value, 2 bytes per kept char; values not kept cost nothing): {@link ReadResult.OverBudget} as soon as the
     * budget refuses.
     */
    public static ReadResult read(byte[] body, KeptValues kept, KeptBudget budget) {
        return read(body, ReaderLimits.defaults(), DEFAULT_FACTORY, kept, budget);
    }

    private static ReadResult read(byte[] body, ReaderLimits limits, XMLInputFactory2 factory, KeptValues kept,
                                   KeptBudget budget) {
        DocumentRange range;
        try {
            range = DocumentRange.locate(body);
        } catch (Rejection rejection) {
            return rejection.toResult();
        }
        ByteOffsets offsets = new ByteOffsets(body, range);
        XMLStreamReader2 xml = null;
        try {
            xml = (XMLStreamReader2) factory.createXMLStreamReader(utf8Reader(body, range));
            return new ReadResult.Call(new CallWalker(xml, offsets, limits, kept, budget).readCall());
        } catch (Rejection rejection) {
            return rejection.toResult();
        } catch (BudgetRefused refused) {
            return new ReadResult.OverBudget();
        } catch (XMLStreamException | WstxLazyException e) {
            // Woodstox messages quote body text; only the position is passed on.
            return new ReadResult.Unreadable(Rejection.NOT_WELL_FORMED, "not well-formed XML" + near(e, offsets));
        } finally {
            close(xml);
        }
    }

    /** Streaming strict decoder over the parsed range: no String of the whole body is built. */
    private static Reader utf8Reader(byte[] body, DocumentRange range) {
        return new InputStreamReader(
                new ByteArrayInputStream(body, range.start(), range.end() - range.start()),
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    private static String near(Exception e, ByteOffsets offsets) {
        Throwable cause = e instanceof WstxLazyException ? e.getCause() : e;
        if (!(cause instanceof XMLStreamException xse) || xse.getLocation() == null || xse.getLocation().getCharacterOffset() < 0) {
            return "";
        }
        try {
            return " near byte " + offsets.byteOffset(xse.getLocation().getCharacterOffset());
        } catch (IllegalStateException notOnBoundary) {
            return "";
        }
    }

    private static void close(XMLStreamReader2 xml) {
        if (xml == null) {
            return;
        }
        try {
            xml.closeCompletely();
        } catch (XMLStreamException ignored) {
            // Reading from a byte array; nothing is left open.
        }
    }

    /**
     * No DTD processing, no external entities, no namespace interpretation (IXR's libxml2 sees literal names
     * like {@code dateTime.iso8601}), no coalescing (so comments and CDATA keep their own events), eager
     * parsing (errors surface at {@code next()}), and Woodstox's own limits as a backstop to carpgate's.
     */
    static XMLInputFactory2 factory(ReaderLimits limits) {
        XMLInputFactory2 f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_VALIDATING, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
        f.setProperty(XMLInputFactory2.P_LAZY_PARSING, false);
        f.setProperty(XMLInputFactory2.P_AUTO_CLOSE_INPUT, true);
        f.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resources are never resolved");
        });
        // One more than carpgate's own depth limit, so carpgate's clearer rejection is the one that trips.
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, limits.maxDepth() + 1);
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_COUNT, Math.min(Long.MAX_VALUE / 8, limits.maxValues()) * 4 + 64);
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT, 64);
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, 64 * 1024);
        // Not set, on purpose: Woodstox has no bound on a name's length, and its text bound (P_MAX_TEXT_LENGTH,
        // which also counts a comment but not a processing instruction) counts all the text of one element, so
        // below max-body it would refuse a legitimate restore whose bulk is one value. What Woodstox would build
        // whole of markup carpgate never keeps (names, comments, PIs, references, a DOCTYPE) is bounded before it
        // reads a byte, by LexicalCheck.
        return f;
    }
}
