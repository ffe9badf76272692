package io.carpgate.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.SAXParserFactory;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;
import org.apache.xmlrpc.common.TypeFactoryImpl;
import org.apache.xmlrpc.parser.XmlRpcResponseParser;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.XMLReader;

/** Checked with the Apache XML-RPC client's parser and with the JDK's DOM, not with carpgate's reader. */
class XmlRpcResponsesTest {
    private static final String TRICKY = "Service `wireguard' <kept> & \"down\" é😀\ttab\nline";

    private static XmlRpcResponseParser clientParse(byte[] response) throws Exception {
        XmlRpcClientConfigImpl config = new XmlRpcClientConfigImpl();
        XmlRpcResponseParser parser = new XmlRpcResponseParser(config, new TypeFactoryImpl(new XmlRpcClient()));
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(true);
        XMLReader reader = factory.newSAXParser().getXMLReader();
        reader.setContentHandler(parser);
        reader.parse(new InputSource(new ByteArrayInputStream(response)));
        return parser;
    }

    private static Document dom(byte[] response) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(response));
    }

    /** Element children only; the writer emits no whitespace, but be tolerant of it. */
    private static List<Element> children(Node node) {
        List<Element> out = new ArrayList<>();
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element only(Node node, String name) {
        List<Element> kids = children(node);
        assertThat(kids).hasSize(1);
        assertThat(kids.get(0).getTagName()).isEqualTo(name);
        return kids.get(0);
    }

    @Test
    void stringResponseIsATypedStringInAUtf8Document() throws Exception {
        byte[] response = XmlRpcResponses.string(TRICKY);
        String text = new String(response, StandardCharsets.UTF_8);
        assertThat(text).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");

        XmlRpcResponseParser parsed = clientParse(response);
        assertThat(parsed.isSuccess()).isTrue();
        assertThat(parsed.getResult()).isEqualTo(TRICKY);

        Document doc = dom(response);
        Element root = doc.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("methodResponse");
        Element string = only(only(only(only(root, "params"), "param"), "value"), "string");
        assertThat(string.getTextContent()).isEqualTo(TRICKY);
    }

    @Test
    void emptyStringStaysAString() throws Exception {
        // Untyped <value></value> would be dropped by the master's IXR; a typed empty string is kept.
        byte[] response = XmlRpcResponses.string("");
        assertThat(clientParse(response).getResult()).isEqualTo("");
        Element root = dom(response).getDocumentElement();
        Element string = only(only(only(only(root, "params"), "param"), "value"), "string");
        assertThat(string.getTextContent()).isEmpty();
    }

    @Test
    void faultCarriesCodeAndString() throws Exception {
        byte[] response = XmlRpcResponses.fault(-32600, "carpgate: request rejected <" + "&>");
        XmlRpcResponseParser parsed = clientParse(response);
        assertThat(parsed.isSuccess()).isFalse();
        assertThat(parsed.getErrorCode()).isEqualTo(-32600);
        assertThat(parsed.getErrorMessage()).isEqualTo("carpgate: request rejected <&>");

        Element root = dom(response).getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("methodResponse");
        Element struct = only(only(only(root, "fault"), "value"), "struct");
        List<Element> members = children(struct);
        assertThat(members).hasSize(2);
        List<String> rendered = new ArrayList<>();
        for (Element member : members) {
            List<Element> parts = children(member);
            assertThat(parts).hasSize(2);
            Element typed = children(parts.get(1)).get(0);
            rendered.add(parts.get(0).getTextContent() + "=" + typed.getTagName() + ":" + typed.getTextContent());
        }
        assertThat(rendered).containsExactlyInAnyOrder(
                "faultCode=i4:-32600", "faultString=string:carpgate: request rejected <&>");
    }

    @Test
    void textXmlCannotCarryIsRejected() {
        assertThatThrownBy(() -> XmlRpcResponses.string("a\u0000b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlRpcResponses.fault(1, "a\rb")).isInstanceOf(IllegalArgumentException.class);
        // What carpgate writes goes through printable() first, so its answers are always writable.
        assertThat(XmlRpcResponses.printable("id x\r\u0001y\uD800z \uD83D\uDE00")).isEqualTo("id x??y?z \uD83D\uDE00");
        assertThat(XmlRpcResponses.fault(1, XmlRpcResponses.printable("a\rb"))).isNotEmpty();
    }
}
