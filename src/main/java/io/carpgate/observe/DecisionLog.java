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
 * {@code decisions.jsonl}: one JSON object per XML-RPC call (a multicall gives one per inner call). Only
 * names, ids, states and counts: never a payload value.
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

    @Override
    public void onComplete(ExchangeRecord record) {
        for (CallOutcome call : record.calls()) {
            decisions.info(line(call, record));
        }
    }

    String line(CallOutcome call, ExchangeRecord r) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", r.time().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        line.put("pair", r.pair());
        line.put("client", r.client());
        line.put("user", r.user().orElse(null));
        line.put("method", call.method());
        line.put("service", call.service().orElse(null));
        line.put("id", call.id().orElse(null));
        line.put("kind", call.kind().orElse(null));
        line.put("instance", call.instance().orElse(null));
        line.put("vhid", call.vhid().orElse(null));
        line.put("carp", call.carpState().orElse(null));
        line.put("decision", call.action().word());
        line.put("reason", call.reason());
        line.put("mode", r.mode());
        line.put("upstream_status", r.upstreamStatus().orElse(null));
        line.put("bytes_in", r.bytesIn());
        line.put("bytes_out", r.bytesOut());
        line.put("ms", r.elapsed().toMillis());
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
