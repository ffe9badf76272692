package io.carpgate.proxy;

import io.carpgate.observe.Exchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole body before anything is decided (carpgate must know what the backup would run before a
 * byte is sent) and hands on a {@link BufferedRequest}. A body over {@code limits.max-body} gets 413,
 * announced (Content-Length) or found while reading.
 */
final class BodyBuffering extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(BodyBuffering.class);

    private final long maxBody;

    BodyBuffering(long maxBody, Handler next) {
        super(next);
        this.maxBody = maxBody;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.BLOCKING; // the body is read on this thread
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getLength() > maxBody) {
            tooLarge(request, response, callback);
            return true;
        }
        byte[] body;
        try {
            body = readBody(request);
        } catch (BodyTooLarge e) {
            tooLarge(request, response, callback);
            return true;
        } catch (IOException e) {
            LOG.info("reading the request from {} failed: {}", Request.getRemoteAddr(request), e.getMessage());
            callback.failed(e);
            return true;
        }
        Exchange.of(request).bodyBytes(body.length);
        return super.handle(BufferedRequest.arrived(request, body), response, callback);
    }

    private void tooLarge(Request request, Response response, Callback callback) {
        Exchange.of(request).decided(List.of(Rejections.tooLarge(maxBody)), false);
        Answers.closeAfterAnswer(response);
        Answers.writeFault(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, -32700,
                Answers.NOTHING_SENT + "body larger than " + maxBody + " bytes");
    }

    private byte[] readBody(Request request) throws IOException {
        long declared = request.getLength();
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared >= 0 && declared <= Math.min(maxBody, Integer.MAX_VALUE - 8)) {
                // Presized from Content-Length: one array filled in place. readNBytes(n) gathers chunks and
                // copies them into a second array at the end, two bodies in the heap for a moment.
                byte[] body = new byte[(int) declared];
                int read = in.readNBytes(body, 0, body.length);
                if (read < body.length) {
                    throw new IOException("body ended after " + read + " of " + declared + " bytes");
                }
                return body;
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
            if (body.length > maxBody) {
                throw new BodyTooLarge();
            }
            return body;
        }
    }

    private static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super("body too large");
        }
    }
}
