package io.carpgate.xmlrpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.apache.xmlrpc.common.TypeFactoryImpl;
import org.apache.xmlrpc.common.XmlRpcHttpRequestConfigImpl;
import org.apache.xmlrpc.parser.XmlRpcResponseParser;
import org.apache.xmlrpc.util.SAXParsers;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;

/**
 * The backup's answer to a call, read by the Apache XML-RPC parser: a value, a fault, or something carpgate
 * cannot read as either. Only small answers are read (what the backup says to a restore is a few hundred
 * bytes); values come as the library maps them (Boolean, String, Object[] for an array, Map for a struct).
 */
public sealed interface BackupAnswer {
    /** A methodResponse with one value. */
    record Value(Object value) implements BackupAnswer {}

    /** A methodResponse with a fault. */
    record Fault(int code, String message) implements BackupAnswer {}

    /** Not an XML-RPC answer carpgate can read. */
    record Unreadable(String reason) implements BackupAnswer {}

    /** Reads {@code body}, the backup's whole answer. */
    static BackupAnswer read(byte[] body) {
        XmlRpcHttpRequestConfigImpl config = new XmlRpcHttpRequestConfigImpl();
        config.setEnabledForExtensions(false);
        XmlRpcResponseParser parser = new XmlRpcResponseParser(config, new TypeFactoryImpl(null));
        try {
            XMLReader reader = SAXParsers.newXMLReader();
            // No DTD at all: no entity from an answer is ever expanded or fetched.
            reader.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            reader.setContentHandler(parser);
            reader.parse(new InputSource(new ByteArrayInputStream(body)));
        } catch (SAXException | IOException | org.apache.xmlrpc.XmlRpcException | RuntimeException e) {
            return new Unreadable("not an XML-RPC answer (" + e.getClass().getSimpleName() + ")");
        }
        if (!parser.isSuccess()) {
            return new Fault(parser.getErrorCode(), String.valueOf(parser.getErrorMessage()));
        }
        try {
            Object result = parser.getResult();
            return result == null ? new Unreadable("an answer without a value") : new Value(result);
        } catch (org.apache.xmlrpc.XmlRpcException e) {
            return new Unreadable("an answer without a value");
        }
    }
}
