package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The two lines of a sent call ({@code sent}, then {@code done}), as a real request through Jetty writes them:
 * the exact JSON of each (its time aside), and the fields the two share, in the same order and with the same values.
 */
class DecisionLogTest {
    private static final CallOutcome CALL = new CallOutcome("pfsense.restore_config_section", Optional.of("wireguard"),
            Optional.of("1b2c"), Optional.of("wireguard"), Optional.of("wg0"), Optional.of("5"), Optional.of("MASTER"),
            Action.REWRITTEN, "dependency rewritten");
    private static final String TIME = "\"time\":\"[^\"]+\"";

    private final Server server = new Server();
    private final LocalConnector connector = new LocalConnector(server);
    private final ListAppender<ILoggingEvent> written = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        written.setContext(context);
        written.start();
        context.getLogger(DecisionLog.LOGGER).addAppender(written);
        DecisionLog log = new DecisionLog();
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Exchange exchange = Exchange.begin(request, log);
                exchange.pair("fw");
                exchange.bodyBytes(7);
                exchange.decided(List.of(CALL), false);
                exchange.forwarding();
                exchange.upstreamAnswered(200);
                response.setStatus(200);
                response.write(true, java.nio.ByteBuffer.wrap("answer".getBytes(StandardCharsets.US_ASCII)), callback);
                return true;
            }
        });
        server.setRequestLog(new ExchangeCompletion(log));
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(DecisionLog.LOGGER).detachAppender(written);
        server.stop();
    }

    private List<String> lines() throws Exception {
        String auth = Base64.getEncoder().encodeToString("root:secret".getBytes(StandardCharsets.US_ASCII));
        HttpTester.Response answer = HttpTester.parseResponse(connector.getResponse(
                "POST /fw/xmlrpc.php HTTP/1.1\r\nHost: t\r\nAuthorization: Basic " + auth
                        + "\r\nContent-Length: 7\r\nConnection: close\r\n\r\n<x></x>"));
        assertThat(answer.getStatus()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> written.list.size() >= 2);
        List<String> lines = new ArrayList<>();
        written.list.forEach(e -> lines.add(e.getFormattedMessage()));
        return lines;
    }

    @Test
    void theSentAndTheDoneLineAreWrittenExactlyAsBefore() throws Exception {
        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        String request = new ObjectMapper().readTree(lines.get(0)).get("request").asText();
        String call = "\"method\":\"pfsense.restore_config_section\",\"service\":\"wireguard\",\"id\":\"1b2c\","
                + "\"kind\":\"wireguard\",\"instance\":\"wg0\",\"vhid\":\"5\",\"carp\":\"MASTER\","
                + "\"decision\":\"rewritten\",\"reason\":\"dependency rewritten\"";
        String head = "{\"time\":\"T\",\"request\":\"" + request + "\",\"stage\":\"%s\",\"pair\":\"fw\","
                + "\"client\":\"0.0.0.0\",\"user\":\"root\"," + call + ",\"mode\":\"enforce\",";
        assertThat(lines.get(0).replaceFirst(TIME, "\"time\":\"T\""))
                .isEqualTo(head.formatted("sent") + "\"bytes_in\":7}");
        assertThat(lines.get(1).replaceFirst(TIME, "\"time\":\"T\"").replaceFirst("\"ms\":\\d+", "\"ms\":0"))
                .isEqualTo(head.formatted("done") + "\"upstream_status\":200,\"bytes_in\":7,\"bytes_out\":6,\"ms\":0}");
    }

    @Test
    void bothStagesShareTheRequestAndCallFieldsInOneOrderAndDoneOnlyAddsItsMeasures() throws Exception {
        List<String> lines = lines();
        ObjectMapper json = new ObjectMapper();
        JsonNode sent = json.readTree(lines.get(0));
        JsonNode done = json.readTree(lines.get(1));
        List<String> sentFields = new ArrayList<>();
        sent.fieldNames().forEachRemaining(sentFields::add);
        List<String> doneFields = new ArrayList<>();
        done.fieldNames().forEachRemaining(doneFields::add);
        List<String> shared = List.of("time", "request", "stage", "pair", "client", "user", "method", "service", "id",
                "kind", "instance", "vhid", "carp", "decision", "reason", "mode");
        assertThat(sentFields).containsExactlyElementsOf(concat(shared, List.of("bytes_in")));
        assertThat(doneFields).containsExactlyElementsOf(
                concat(shared, List.of("upstream_status", "bytes_in", "bytes_out", "ms")));
        for (String field : shared) {
            if (!field.equals("time") && !field.equals("stage")) {
                assertThat(done.get(field)).as(field).isEqualTo(sent.get(field));
            }
        }
        assertThat(sent.get("stage").asText()).isEqualTo("sent");
        assertThat(done.get("stage").asText()).isEqualTo("done");
        assertThat(done.get("bytes_in")).isEqualTo(sent.get("bytes_in"));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
