package io.carpgate.observe;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;

/**
 * Jetty's hook after a request completes (status and bytes written are final then): ends the request's
 * exchange, which hands its record to the listeners. A request Jetty answered before any handler saw it
 * still gets a record (no pair, no calls), so the access log shows it.
 */
public final class ExchangeCompletion implements RequestLog {
    private final ExchangeListener listener;

    public ExchangeCompletion(ExchangeListener listener) {
        this.listener = listener;
    }

    @Override
    public void log(Request request, Response response) {
        Exchange.find(request).orElseGet(() -> Exchange.begin(request, listener)).complete(request, response);
    }
}
