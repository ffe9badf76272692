package io.carpgate.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carpgate.policy.CallOutcome;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes, when a request completes, one NCSA combined line to the access log and one JSON object per
 * XML-RPC call to the decision log. Only names, ids, states and counts are written: never a body, an
 * Authorization value or a payload value.
 */
public final class RequestLogs implements RequestLog {
    public static final String ACCESS_LOGGER = "carpgate.access";
    public static final String DECISION_LOGGER = "carpgate.decisions";
    private static final DateTimeFormatter NCSA_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    private final Logger access = LoggerFactory.getLogger(ACCESS_LOGGER);
    private final Logger decisions = LoggerFactory.getLogger(DECISION_LOGGER);
    private final ObjectMapper json = new ObjectMapper();
    private final Metrics metrics;
    private final RecentDecisions recent;

    public RequestLogs(Metrics metrics, RecentDecisions recent) {
        this.metrics = metrics;
        this.recent = recent;
    }

    @Override
    public void log(Request request, Response response) {
        Optional<Exchange> exchange = Exchange.of(request);
        String client = Request.getRemoteAddr(request);
        Optional<String> user = BasicAuthUser.of(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        long bytesOut = Response.getContentBytesWritten(response);
        long millis = exchange.map(Exchange::elapsedMillis).orElse(0L);
        access.info(accessLine(request, response, client, user, bytesOut, millis, exchange));
        exchange.ifPresent(e -> e.calls().forEach(call ->
                decisions.info(decisionLine(call, e, client, user, bytesOut, millis))));
        String pair = exchange.map(Exchange::pair).orElse("-");
        metrics.request(pair, response.getStatus(), exchange.map(Exchange::calls).orElse(java.util.List.of()),
                exchange.map(Exchange::observed).orElse(false));
        exchange.flatMap(Exchange::upstreamNanos).ifPresent(n -> metrics.upstreamSeconds(pair, n / 1e9));
        exchange.ifPresent(e -> e.calls().forEach(call -> recent.add(new RecentDecisions.Entry(
                java.time.Instant.now(), pair, client, call.method(), call.service(), call.kind(), call.instance(), call.vhid(),
                call.carpState(), call.action().word(), call.reason(), e.observed()))));
    }

    private static String accessLine(Request request, Response response, String client, Optional<String> user,
                                     long bytesOut, long millis, Optional<Exchange> exchange) {
        String requestLine = request.getMethod() + " " + request.getHttpURI().getPathQuery() + " "
                + request.getConnectionMetaData().getProtocol();
        return client + " - " + user.orElse("-")
                + " [" + ZonedDateTime.now().format(NCSA_TIME) + "] "
                + quote(requestLine) + " " + response.getStatus() + " " + (bytesOut == 0 ? "-" : bytesOut)
                + " " + quote(header(request, HttpHeader.REFERER)) + " " + quote(header(request, HttpHeader.USER_AGENT))
                + " method=" + exchange.map(Exchange::methodSummary).orElse("-")
                + " decision=" + exchange.map(Exchange::decisionSummary).orElse("-")
                + (exchange.map(Exchange::observed).orElse(false) ? " mode=observe" : "")
                + " ms=" + millis;
    }

    private String decisionLine(CallOutcome call, Exchange exchange, String client, Optional<String> user,
                                long bytesOut, long millis) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        line.put("pair", exchange.pair());
        line.put("client", client);
        line.put("user", user.orElse(null));
        line.put("method", call.method());
        line.put("service", call.service().orElse(null));
        line.put("id", call.id().orElse(null));
        line.put("kind", call.kind().orElse(null));
        line.put("instance", call.instance().orElse(null));
        line.put("vhid", call.vhid().orElse(null));
        line.put("carp", call.carpState().orElse(null));
        line.put("decision", call.action().word());
        line.put("reason", call.reason());
        line.put("mode", exchange.observed() ? "observe" : "enforce");
        line.put("upstream_status", exchange.upstreamStatus().orElse(null));
        line.put("bytes_in", exchange.bodyBytes());
        line.put("bytes_out", bytesOut);
        line.put("ms", millis);
        try {
            return json.writeValueAsString(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("decision line not serializable", e);
        }
    }

    private static String header(Request request, HttpHeader name) {
        String value = request.getHeaders().get(name);
        return value == null ? "-" : value;
    }

    /** NCSA quoting; control characters are replaced so one request stays one line. */
    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("\\p{Cntrl}", "?") + "\"";
    }
}
