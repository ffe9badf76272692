package io.carpgate.proxy;

import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The master's request as the proxy→backup hop should see it once carpgate has read the whole body: the
 * headers that described the original framing are gone (the client sets Content-Length for the body it
 * sends), and there is nothing left to ask 100-continue for.
 */
final class BufferedRequest extends Request.Wrapper {
    private static final Set<HttpHeader> FRAMING = EnumSet.of(
            HttpHeader.CONTENT_LENGTH, HttpHeader.TRANSFER_ENCODING, HttpHeader.EXPECT);

    private final HttpFields headers;
    private final long length;

    BufferedRequest(Request wrapped, long length) {
        super(wrapped);
        this.length = length;
        HttpFields.Mutable kept = HttpFields.build();
        for (HttpField field : wrapped.getHeaders()) {
            if (field.getHeader() == null || !FRAMING.contains(field.getHeader())) {
                kept.add(field);
            }
        }
        this.headers = kept.asImmutable();
    }

    @Override
    public HttpFields getHeaders() {
        return headers;
    }

    @Override
    public long getLength() {
        return length;
    }
}
