package io.carpgate.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carpgate.policy.CallOutcome;
import io.carpgate.xmlrpc.Clip;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code decisions.jsonl}: one JSON object per XML-RPC call (a multicall gives one per inner call) when its request
 * is done ({@code "stage":"done"}), and for a request carpgate sends to the backup one more, written as it is sent
 * ({@code "stage":"sent"}), so that a crash while the backup works on it leaves the decision on disk. Both carry the
 * request's {@code request} id. Only names, ids, states and counts: never a payload value.
 */
public final class DecisionLog implements ExchangeListener {
    public static final String LOGGER = "carpgate.decisions";
    /**
     * The longest line written, in chars. Every text in a line is cut already (CallOutcome, ExchangeRecord), so a
     * line stays below this; the bound holds even so: a longer one (JSON escapes of control characters) is
     * written with its reason and items cut to the short length, which fits whatever the texts are.
     */
    public static final int MAX_LINE = 32 * 1024;

    private final Logger decisions = LoggerFactory.getLogger(LOGGER);
    private final ObjectMapper json = new ObjectMapper();

    /**
     * Written as the request leaves for the backup, before its answer: a crash or a kill while the backup works
     * on the call leaves on disk what was decided and that it was sent. Its outcome follows in a {@code done}
     * line with the same {@code request}.
     */
    @Override
    public void onForwarded(Exchange exchange) {
        for (CallOutcome call : exchange.calls()) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", java.time.ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            line.put("request", exchange.id());
            line.put("stage", "sent");
            line.put("pair", exchange.pair());
            line.put("client", exchange.client());
            line.put("user", exchange.user().orElse(null));
            call(line, call);
            line.put("mode", exchange.observed() ? "observe" : "enforce");
            line.put("bytes_in", exchange.bodyBytes());
            decisions.info(written(line, call));
        }
    }

    @Override
    public void onComplete(ExchangeRecord record) {
        for (CallOutcome call : record.calls()) {
            decisions.info(line(call, record));
        }
    }

    String line(CallOutcome call, ExchangeRecord r) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", r.time().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        line.put("request", r.id());
        line.put("stage", "done");
        line.put("pair", r.pair());
        line.put("client", r.client());
        line.put("user", r.user().orElse(null));
        call(line, call);
        line.put("mode", r.mode());
        line.put("upstream_status", r.upstreamStatus().orElse(null));
        line.put("bytes_in", r.bytesIn());
        line.put("bytes_out", r.bytesOut());
        line.put("ms", r.elapsed().toMillis());
        return written(line, call);
    }

    /** The call's own fields: what it asked for, what carpgate decided and why. */
    private static Map<String, Object> call(Map<String, Object> line, CallOutcome call) {
        line.put("method", call.method());
        line.put("service", call.service().orElse(null));
        line.put("id", call.id().orElse(null));
        line.put("kind", call.kind().orElse(null));
        line.put("instance", call.instance().orElse(null));
        line.put("vhid", call.vhid().orElse(null));
        line.put("carp", call.carpState().orElse(null));
        line.put("decision", call.action().word());
        line.put("reason", call.reason());
        return line;
    }

    private String written(Map<String, Object> line, CallOutcome call) {
        String written = json(line);
        if (written.length() > MAX_LINE) {
            line.put("instance", call.instance().map(i -> Clip.to(Clip.SHORT, i)).orElse(null));
            line.put("reason", Clip.to(Clip.SHORT, call.reason()));
            written = json(line);
        }
        return written;
    }

    private String json(Map<String, Object> line) {
        try {
            return json.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("decision line not serializable", e);
        }
    }
}
