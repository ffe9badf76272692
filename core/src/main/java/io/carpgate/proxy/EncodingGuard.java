package io.carpgate.proxy;

import io.carpgate.observe.Exchange;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** A body carpgate cannot read as the backup would (gzip, say) is rejected with 415; a master never sends one. */
final class EncodingGuard extends Handler.Wrapper {
    EncodingGuard(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        // Every Content-Encoding header and every value in each: one "gzip" anywhere means a coded body.
        java.util.List<String> codings = request.getHeaders().getValuesList(HttpHeader.CONTENT_ENCODING).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::trim).filter(v -> !v.isEmpty())
                .toList();
        if (codings.stream().allMatch(v -> v.equalsIgnoreCase("identity"))) {
            return super.handle(request, response, callback);
        }
        String named = String.join(", ", codings);
        String why = "carpgate cannot inspect a body with Content-Encoding "
                + (named.length() > 40 ? named.substring(0, 40) + "..." : named);
        Exchange.of(request).decided(List.of(Rejections.unreadable(why)), false);
        OwnAnswers.closeAfterAnswer(response);
        OwnAnswers.rejected(response, callback, HttpStatus.UNSUPPORTED_MEDIA_TYPE_415, -32700, why);
        return true;
    }
}
