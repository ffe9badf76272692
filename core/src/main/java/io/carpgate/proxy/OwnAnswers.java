package io.carpgate.proxy;

import io.carpgate.policy.Verdict;
import io.carpgate.xmlrpc.XmlRpcResponses;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Every answer carpgate gives the master itself, in one place: the string that says what was suppressed, the
 * fault of a rejected request (from any stage), the fault of a call the backup did not answer, and the 404 of a
 * path that leads nowhere. Written whole.
 */
final class OwnAnswers {
    /** Every rejection says who answered and that the backup saw nothing; the one place that says so. */
    static final String NOTHING_SENT = "carpgate rejected the request, nothing was sent to the backup: ";
    /** Every suppressed start says who suppressed it (the master's log shows this string as the call's answer). */
    static final String SUPPRESSED = "carpgate suppressed ";
    /** XML-RPC's code for an internal error of the server (here: of carpgate, not of the backup). */
    static final int INTERNAL_ERROR = -32603;

    private OwnAnswers() {}

    /**
     * What the master hears of a verdict carpgate answers itself (suppressed or rejected); the ones that go to
     * the backup get the backup's answer instead.
     */
    static void decided(Response response, Callback callback, Verdict verdict) {
        verdict.fold(
                forward -> {
                    throw new IllegalArgumentException("a forwarded call is answered by the backup");
                },
                rewrite -> {
                    throw new IllegalArgumentException("a rewritten call is answered by the backup");
                },
                suppress -> {
                    write(response, callback, HttpStatus.OK_200, XmlRpcResponses.string(
                            XmlRpcResponses.printable(SUPPRESSED + suppress.message())));
                    return null;
                },
                reject -> {
                    // HTTP 200, as XML-RPC servers answer faults.
                    rejected(response, callback, HttpStatus.OK_200, reject.faultCode(), reject.message());
                    return null;
                });
    }

    /** A path carpgate serves nothing at: Jetty's plain 404, as a web server answers it (no XML-RPC endpoint here). */
    static void notFound(Request request, Response response, Callback callback) {
        Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
    }

    /** A request rejected before anything was sent: a fault saying so, then {@code why}. */
    static void rejected(Response response, Callback callback, int status, int code, String why) {
        fault(response, callback, status, code, NOTHING_SENT + why);
    }

    /** A fault with this message as it stands (made writable first). */
    static void fault(Response response, Callback callback, int status, int code, String message) {
        write(response, callback, status, XmlRpcResponses.fault(code, XmlRpcResponses.printable(message)));
    }

    private static void write(Response response, Callback callback, int status, byte[] xml) {
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
