package io.carpgate.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carpgate.policy.CallOutcome;
import io.carpgate.xmlrpc.Clip;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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
    private final ObjectMapper json = lineSafe();

    /**
     * JSON allows U+0085, U+2028 and U+2029 raw, but line readers (Python's splitlines, some log shippers) break lines
     * there, and a name in a call may hold them: those three are written as escapes (every other char as Jackson does).
     */
    private static ObjectMapper lineSafe() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().setCharacterEscapes(new com.fasterxml.jackson.core.io.CharacterEscapes() {
            private final int[] ascii = standardAsciiEscapesForJSON();

            @Override
            public int[] getEscapeCodesForAscii() {
                return ascii;
            }

            @Override
            public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
                return ch == 0x85 || ch == 0x2028 || ch == 0x2029
                        ? new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", ch)) : null;
            }
        });
        return mapper;
    }

    /**
     * Written as the request leaves for the backup, before its answer: a crash or a kill while the backup works
     * on the call leaves on disk what was decided and that it was sent. Its outcome follows in a {@code done}
     * line with the same {@code request}.
     */
    @Override
    public void onForwarded(Exchange exchange) {
        for (CallOutcome call : exchange.calls()) {
            decisions.info(line(Stage.sent(exchange, ZonedDateTime.now()), call));
        }
    }

    @Override
    public void onComplete(ExchangeRecord record) {
        for (CallOutcome call : record.calls()) {
            decisions.info(line(Stage.done(record), call));
        }
    }

    /**
     * What a line says of its request at one of its two stages. Both stages say the same of the request (and of the
     * call), in the same order, so a reader joins them by {@code request}; each adds what is measured by then (sent:
     * the size; done: the backup's status, both sizes and the time taken).
     *
     * @param measures the stage's own fields, in their order, after the call's (a value may be null: written as null)
     */
    record Stage(String word, ZonedDateTime time, String request, String pair, String client, Optional<String> user,
                 String mode, Map<String, Object> measures) {
        Stage {
            measures = Collections.unmodifiableMap(new LinkedHashMap<>(measures));
        }

        /** As the request leaves for the backup. */
        static Stage sent(Exchange exchange, ZonedDateTime time) {
            Map<String, Object> measures = new LinkedHashMap<>();
            measures.put("bytes_in", exchange.bodyBytes());
            return new Stage("sent", time, exchange.id(), exchange.pair(), exchange.client(), exchange.user(),
                    exchange.observed() ? "observe" : "enforce", measures);
        }

        /** When the request is over. */
        static Stage done(ExchangeRecord r) {
            Map<String, Object> measures = new LinkedHashMap<>();
            measures.put("upstream_status", r.upstreamStatus().orElse(null));
            measures.put("bytes_in", r.bytesIn());
            measures.put("bytes_out", r.bytesOut());
            measures.put("ms", r.elapsed().toMillis());
            return new Stage("done", r.time(), r.id(), r.pair(), r.client(), r.user(), r.mode(), measures);
        }
    }

    /** One line of either stage: the request's fields, the call's, the mode, then the stage's measures. */
    String line(Stage stage, CallOutcome call) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", stage.time().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        line.put("request", stage.request());
        line.put("stage", stage.word());
        line.put("pair", stage.pair());
        line.put("client", stage.client());
        line.put("user", stage.user().orElse(null));
        call(line, call);
        line.put("mode", stage.mode());
        line.putAll(stage.measures());
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
