package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.observe.Exchange;
import io.carpgate.observe.ExchangeCompletion;
import io.carpgate.observe.ExchangeListener;
import io.carpgate.observe.ExchangeRecord;
import io.carpgate.policy.Action;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import io.carpgate.e2e.EndToEnd;

/**
 * The Interception stage fails closed: whatever goes wrong while reading, deciding or patching, the master
 * gets an XML-RPC fault, the exchange is recorded as rejected, and the next stage (the forwarder) is never
 * reached. Over real HTTP on loopback, with an interceptor that breaks on purpose.
 */
@EndToEnd
class InterceptionTest {
    private static final String CALL = "<methodCall><methodName>opnsense.firmware_version</methodName></methodCall>";

    private final List<ExchangeRecord> records = new CopyOnWriteArrayList<>();
    private final AtomicInteger forwarded = new AtomicInteger();
    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private URI start(Interceptor interceptor) throws Exception {
        return start(interceptor, new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                forwarded.incrementAndGet();
                Response.writeError(request, response, callback, 599);
                return true;
            }
        });
    }

    private URI start(Interceptor interceptor, Handler forwarder) throws Exception {
        ExchangeListener recording = new ExchangeListener() {
            @Override
            public void onComplete(ExchangeRecord record) {
                records.add(record);
            }
        };
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Wrapper(new BodyBuffering(1 << 20, new BodyBudget(1 << 20),
                new io.carpgate.observe.Metrics("test"), new Interception(interceptor, forwarder))) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Exchange.begin(request, recording).pair("test");
                return super.handle(request, response, callback);
            }
        });
        server.setRequestLog(new ExchangeCompletion(recording));
        server.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/xmlrpc.php");
    }

    private HttpResponse<String> post(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(CALL)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertRefusedWithoutForwarding(HttpResponse<String> answer, String type) {
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("<fault>", "-32603", "nothing was sent to the backup",
                "internal error in carpgate (" + type + ")").doesNotContain("SECRET-IN-MESSAGE");
        assertThat(forwarded).hasValue(0);
        ExchangeRecord record = Awaitility.await("the exchange is recorded").atMost(Duration.ofSeconds(30))
                .until(() -> records.stream().findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertThat(record.calls()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.REJECTED);
            assertThat(c.method()).isEqualTo("(internal error)");
            assertThat(c.reason()).doesNotContain("SECRET-IN-MESSAGE");
        });
    }

    @Test
    void aRuntimeExceptionBecomesAFaultAndARejectedRecordAndNothingIsForwarded() throws Exception {
        URI uri = start(body -> {
            throw new IllegalStateException("SECRET-IN-MESSAGE: exception messages may quote the request");
        });
        assertRefusedWithoutForwarding(post(uri), "IllegalStateException");
    }

    @Test
    void aStackOverflowIsRefusedTheSameWay() throws Exception {
        URI uri = start(body -> {
            throw new StackOverflowError("SECRET-IN-MESSAGE");
        });
        assertRefusedWithoutForwarding(post(uri), "StackOverflowError");
    }

    @Test
    void observeModeFailsClosedAsWell() throws Exception {
        URI uri = start(new ObserveOnly(body -> {
            throw new IllegalArgumentException("SECRET-IN-MESSAGE");
        }));
        assertRefusedWithoutForwarding(post(uri), "IllegalArgumentException");
    }

    /** A forwarding stage that fails before anything left: the master is told, the record says failed. */
    private URI startWithBrokenForwarder(Throwable thrown) throws Exception {
        io.carpgate.policy.CallOutcome decided = new io.carpgate.policy.CallOutcome("opnsense.firmware_version",
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), Action.FORWARDED, "not gated");
        return start(body -> new Intercepted.Forward(List.of(java.nio.ByteBuffer.wrap(body)), List.of(decided), false),
                new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) {
                        if (thrown instanceof Error error) {
                            throw error;
                        }
                        throw (RuntimeException) thrown;
                    }
                });
    }

    @Test
    void aForwardingStageThatThrowsIsAFaultAndAFailedRecordNeverForwarded() throws Exception {
        for (Throwable thrown : List.of(new IllegalStateException("SECRET-IN-MESSAGE"), new StackOverflowError())) {
            records.clear();
            URI uri = startWithBrokenForwarder(thrown);
            HttpResponse<String> answer = post(uri);
            assertThat(answer.statusCode()).as(thrown.toString()).isEqualTo(502);
            assertThat(answer.body()).contains("<fault>", "nothing was sent", "before the call reached the backup")
                    .doesNotContain("SECRET-IN-MESSAGE");
            ExchangeRecord record = Awaitility.await("the exchange is recorded").atMost(Duration.ofSeconds(30))
                    .until(() -> records.stream().findFirst(), java.util.Optional::isPresent).orElseThrow();
            assertThat(record.calls()).singleElement().extracting(c -> c.action()).isEqualTo(Action.FAILED);
            server.stop();
            server = null;
        }
    }

    @Test
    void aHealthyInterceptorReachesTheNextStageWithItsBody() throws Exception {
        URI uri = start(body -> new Intercepted.Forward(List.of(java.nio.ByteBuffer.wrap(body)), List.of(), false));
        assertThat(post(uri).statusCode()).isEqualTo(599);
        assertThat(forwarded).hasValue(1);
    }
}
