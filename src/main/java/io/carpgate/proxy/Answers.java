package io.carpgate.proxy;

import io.carpgate.policy.CallOutcome;
import io.carpgate.xmlrpc.XmlRpcResponses;
import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** carpgate's own answers to the master: XML-RPC faults and strings, written whole. */
final class Answers {
    /** Every rejection says who answered and that the backup saw nothing. */
    static final String NOTHING_SENT = "carpgate rejected the request, nothing was sent to the backup: ";
    /** XML-RPC's code for an internal error of the server (here: of carpgate, not of the backup). */
    static final int INTERNAL_ERROR = -32603;

    private Answers() {}

    /** A fault answer (HTTP 200, as XML-RPC servers answer faults); the message is made writable first. */
    static Intercepted.Answer fault(int code, String message, List<CallOutcome> calls) {
        return new Intercepted.Answer(200, XmlRpcResponses.fault(code, XmlRpcResponses.printable(message)), calls);
    }

    static void writeFault(Response response, Callback callback, int status, int code, String message) {
        write(response, callback, status, XmlRpcResponses.fault(code, XmlRpcResponses.printable(message)));
    }

    static void write(Response response, Callback callback, int status, byte[] xml) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/xml");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, xml.length);
        response.write(true, ByteBuffer.wrap(xml), callback);
    }

    /**
     * Answering without reading the whole body: the unread bytes make the connection useless, so say so,
     * or a client may send its next request on a connection Jetty is about to close.
     */
    static void closeAfterAnswer(Response response) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
}
