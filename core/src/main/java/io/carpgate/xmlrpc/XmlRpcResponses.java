package io.carpgate.xmlrpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.ws.commons.serialize.XMLWriterImpl;
import org.apache.xmlrpc.XmlRpcConfig;
import org.apache.xmlrpc.XmlRpcRequest;
import org.apache.xmlrpc.common.TypeFactoryImpl;
import org.apache.xmlrpc.common.XmlRpcController;
import org.apache.xmlrpc.common.XmlRpcHttpRequestConfigImpl;
import org.apache.xmlrpc.common.XmlRpcStreamConfig;
import org.apache.xmlrpc.common.XmlRpcWorker;
import org.apache.xmlrpc.common.XmlRpcWorkerFactory;
import org.apache.xmlrpc.serializer.StringSerializer;
import org.apache.xmlrpc.serializer.TypeSerializer;
import org.apache.xmlrpc.serializer.TypeSerializerImpl;
import org.apache.xmlrpc.serializer.XmlRpcWriter;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * carpgate's own XML-RPC answers to the master, written by the Apache XML-RPC serializer. Strings are
 * written as {@code <string>} elements, as IXR's writer does: the library's default untyped
 * {@code <value>text</value>} would make an empty string vanish on the master's IXR parser.
 */
public final class XmlRpcResponses {
    private XmlRpcResponses() {}

    public static byte[] string(String value) {
        requireRoundTrip(value);
        return write((writer, config) -> writer.write(config, value));
    }

    /** A {@code fault} response with {@code faultCode} (int) and {@code faultString}. */
    public static byte[] fault(int code, String message) {
        requireRoundTrip(message);
        return write((writer, config) -> writer.write(config, code, message));
    }

    private interface Body {
        void writeTo(XmlRpcWriter writer, XmlRpcHttpRequestConfigImpl config) throws SAXException;
    }

    private static byte[] write(Body body) {
        XmlRpcHttpRequestConfigImpl config = new XmlRpcHttpRequestConfigImpl();
        config.setEncoding(XmlRpcStreamConfig.UTF8_ENCODING);
        config.setEnabledForExtensions(false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (Writer out = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            XMLWriterImpl xml = new PairSafeXmlWriter();
            xml.setEncoding(XmlRpcStreamConfig.UTF8_ENCODING);
            xml.setDeclarating(true);
            xml.setIndenting(false);
            xml.setWriter(out);
            body.writeTo(new XmlRpcWriter(config, xml, TYPES), config);
        } catch (SAXException | IOException e) {
            // In-memory writing of plain strings and ints; failure here is a bug, not bad input.
            throw new IllegalStateException("XML-RPC response serialization failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * {@code text} with every character XML text cannot carry exactly (controls, a CR, lone surrogates)
     * replaced by '?': carpgate's own words often quote names and ids from the request, and its answer must
     * never fail to be written because of one.
     */
    public static String printable(String text) {
        if (XmlText.roundTrips(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            String one = new String(Character.toChars(cp));
            out.append(XmlText.roundTrips(one) ? one : "?");
        });
        return out.toString();
    }

    private static void requireRoundTrip(String text) {
        if (text == null || !XmlText.roundTrips(text)) {
            throw new IllegalArgumentException("text has a character XML text cannot carry");
        }
    }

    /**
     * XMLWriterImpl writes every non-ASCII UTF-16 unit as a char reference, which turns a character
     * outside the BMP into two references to surrogates: not well-formed. Letting the surrogates through
     * raw makes the UTF-8 writer encode the pair as one character; everything else is the library's.
     */
    private static final class PairSafeXmlWriter extends XMLWriterImpl {
        @Override
        public boolean canEncode(char c) {
            return Character.isSurrogate(c) || super.canEncode(c);
        }
    }

    /** Typed {@code <string>} for strings; everything else as the library's defaults. */
    private static final TypeSerializer STRING = new TypeSerializerImpl() {
        @Override
        public void write(ContentHandler handler, Object object) throws SAXException {
            write(handler, StringSerializer.STRING_TAG, object.toString());
        }
    };

    private static final TypeFactoryImpl TYPES = new TypeFactoryImpl(new NoController()) {
        @Override
        public TypeSerializer getSerializer(XmlRpcStreamConfig config, Object object) throws SAXException {
            return object instanceof String ? STRING : super.getSerializer(config, object);
        }
    };

    /**
     * TypeFactoryImpl wants a controller; serializing strings, ints and maps never consults it, and
     * nothing here ever executes a request.
     */
    private static final class NoController extends XmlRpcController {
        @Override
        protected XmlRpcWorkerFactory getDefaultXmlRpcWorkerFactory() {
            XmlRpcController controller = this;
            return new XmlRpcWorkerFactory(controller) {
                @Override
                protected XmlRpcWorker newWorker() {
                    return new XmlRpcWorker() {
                        @Override
                        public XmlRpcController getController() {
                            return controller;
                        }

                        @Override
                        public Object execute(XmlRpcRequest request) {
                            throw new UnsupportedOperationException("carpgate only serializes responses");
                        }
                    };
                }
            };
        }

        @Override
        public XmlRpcConfig getConfig() {
            return new XmlRpcHttpRequestConfigImpl();
        }
    }
}
