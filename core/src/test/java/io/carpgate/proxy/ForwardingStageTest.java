package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.PendingCall;
import io.carpgate.observe.ExchangeRecord;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import io.carpgate.policy.Gatekeeper;
import io.carpgate.policy.Verdict;
import io.carpgate.xmlrpc.BodyPatcher;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.XmlRpcValue;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decision stage and the forwarder together, the master's side in memory: what the verdict sends reaches
 * the backup (a plain HTTP stand-in on loopback) byte for byte, framed afresh, and the backup's answer comes back;
 * a backup that cannot be reached is a 502 fault and a failed record.
 */
class ForwardingStageTest {
    private static final String ANSWER = "<methodResponse><params><param><value><string>ok</string></value></param>"
            + "</params></methodResponse>";
    private static final String CALL = "<methodCall><methodName>opnsense.echo</methodName><params><param><value>"
            + "<string>old</string></value></param></params></methodCall>";

    /** What the stand-in backup received: its Content-Length header, whether it was chunked, and the body. */
    private record Received(String contentLength, boolean chunked, String body) {}

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private Server backup;

    @AfterEach
    void stop() {
        LifeCycle.stop(backup);
    }

    private URI backup() throws Exception {
        backup = StandInBackup.start(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = new String(Request.asInputStream(request).readAllBytes(), StandardCharsets.UTF_8);
                received.add(new Received(String.valueOf(request.getHeaders().get("Content-Length")),
                        request.getHeaders().contains("Transfer-Encoding"), body));
                response.getHeaders().put("Content-Type", "text/xml");
                response.write(true, ByteBuffer.wrap(ANSWER.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        return StandInBackup.xmlrpc(backup);
    }

    private static StageHarness forwardingTo(URI xmlrpc, Function<MethodCall, Gatekeeper.Decided> decider)
            throws Exception {
        Forwarder forwarder = new Forwarder(new Forwarder.Upstream(xmlrpc, new SslContextFactory.Client(),
                Duration.ofSeconds(10), Duration.ofSeconds(30)), io.carpgate.observe.Logs.CONSOLE);
        BodyBudget budget = new BodyBudget(1 << 20);
        io.carpgate.observe.Metrics metrics = new io.carpgate.observe.Metrics("test");
        return new StageHarness(next -> new BodyBuffering(1 << 20, budget, metrics,
                new Deciding(decider, false, budget, metrics, next)), forwarder);
    }

    private static CallOutcome outcome(Action action) {
        return new CallOutcome("opnsense.echo", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), action, "test");
    }

    private static Gatekeeper.Decided forwarded(MethodCall call) {
        return new Gatekeeper.Decided(new Verdict.Forward(List.of(outcome(Action.FORWARDED)), List.of()),
                PendingCall.none());
    }

    @Test
    void aForwardedChunkedCallReachesTheBackupWholeWithItsLengthAndTheAnswerComesBack() throws Exception {
        try (StageHarness stage = forwardingTo(backup(), ForwardingStageTest::forwarded)) {
            String chunked = "POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(CALL.length()) + "\r\n" + CALL + "\r\n0\r\n\r\n";
            HttpTester.Response answer = stage.send(ByteBuffer.wrap(chunked.getBytes(StandardCharsets.US_ASCII)));
            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(answer.getContent()).isEqualTo(ANSWER);
            assertThat(received.poll(30, TimeUnit.SECONDS))
                    .isEqualTo(new Received(String.valueOf(CALL.length()), false, CALL));
            ExchangeRecord record = stage.record();
            assertThat(record.upstreamStatus()).contains(200);
            assertThat(record.calls()).singleElement().extracting(CallOutcome::action).isEqualTo(Action.FORWARDED);
        }
    }

    @Test
    void aRewrittenCallReachesTheBackupWithOnlyTheReplacedStringChanged() throws Exception {
        Function<MethodCall, Gatekeeper.Decided> rewrite = call -> new Gatekeeper.Decided(new Verdict.Rewrite(
                List.of(new BodyPatcher.Replacement(((XmlRpcValue.Str) call.params().get(0)).slot(), "new, longer")),
                List.of(outcome(Action.REWRITTEN)), List.of()), PendingCall.none());
        try (StageHarness stage = forwardingTo(backup(), rewrite)) {
            assertThat(stage.post(CALL).getContent()).isEqualTo(ANSWER);
            String sent = CALL.replace(">old<", ">new, longer<");
            assertThat(received.poll(30, TimeUnit.SECONDS))
                    .isEqualTo(new Received(String.valueOf(sent.length()), false, sent));
        }
    }

    @Test
    void aBackupThatCannotBeReachedIsA502FaultAndAFailedRecord() throws Exception {
        URI gone = backup();
        backup.stop(); // nothing listens there now
        try (StageHarness stage = forwardingTo(gone, ForwardingStageTest::forwarded)) {
            HttpTester.Response answer = stage.post(CALL);
            assertThat(answer.getStatus()).isEqualTo(502);
            assertThat(answer.getContent()).contains("<fault>", "carpgate could not deliver the call to the backup");
            assertThat(stage.record().calls()).singleElement().extracting(CallOutcome::action)
                    .isEqualTo(Action.FAILED);
            assertThat(received).isEmpty();
        }
    }
}
