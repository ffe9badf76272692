package io.carpgate.proxy;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.server.Request;

/**
 * The master's request once carpgate holds its whole body: {@link #read()} serves that body (the master's,
 * or the master's patched), so the forwarding stage reads it like any request's content. The headers that
 * described the original framing are gone (the client to the backup sets Content-Length for the body it
 * sends), and there is nothing left to ask 100-continue for.
 */
final class BufferedRequest extends Request.Wrapper {
    private static final Set<HttpHeader> FRAMING = EnumSet.of(
            HttpHeader.CONTENT_LENGTH, HttpHeader.TRANSFER_ENCODING, HttpHeader.EXPECT);

    private final Optional<byte[]> whole;
    /** What the body holds of the body budget: its buffer as it grew, which may be more than its length. */
    private final long held;
    private final ByteBufferContentSource content;
    private final HttpFields headers;

    private BufferedRequest(Request wrapped, Optional<byte[]> whole, long held, List<ByteBuffer> body) {
        super(wrapped);
        this.whole = whole;
        this.held = held;
        this.content = new ByteBufferContentSource(body);
        HttpFields.Mutable kept = HttpFields.build();
        for (HttpField field : wrapped.getHeaders()) {
            if (field.getHeader() == null || !FRAMING.contains(field.getHeader())) {
                kept.add(field);
            }
        }
        this.headers = kept.asImmutable();
    }

    /**
     * The body as it arrived, in one array (what the reader reads).
     *
     * @param held what it holds of the body budget
     */
    static BufferedRequest arrived(Request wrapped, byte[] body, long held) {
        return new BufferedRequest(wrapped, Optional.of(body), held, List.of(ByteBuffer.wrap(body)));
    }

    /** The body to send on: the master's bytes, or slices of them around replaced strings. */
    static BufferedRequest toSend(Request wrapped, List<ByteBuffer> body) {
        return new BufferedRequest(wrapped, Optional.empty(), 0, body);
    }

    /** What the body holds of the body budget; only on a request made by {@link #arrived}. */
    long held() {
        return held;
    }

    /** The whole body as it arrived; only on a request made by {@link #arrived}. */
    byte[] bytes() {
        return whole.orElseThrow(() -> new IllegalStateException("not the body as it arrived"));
    }

    @Override
    public HttpFields getHeaders() {
        return headers;
    }

    @Override
    public long getLength() {
        return content.getLength();
    }

    @Override
    public Content.Chunk read() {
        return content.read();
    }

    @Override
    public boolean consumeAvailable() {
        while (true) {
            Content.Chunk chunk = content.read();
            if (chunk == null || chunk.isLast()) {
                return true;
            }
            chunk.release();
        }
    }

    @Override
    public void demand(Runnable demandCallback) {
        content.demand(demandCallback);
    }

    @Override
    public void fail(Throwable failure) {
        content.fail(failure);
    }
}
