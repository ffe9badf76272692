package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.CallOrder;
import io.carpgate.memory.PairMemory;
import io.carpgate.memory.PendingCall;
import io.carpgate.observe.Exchange;
import io.carpgate.observe.ExchangeCompletion;
import io.carpgate.observe.ExchangeListener;
import io.carpgate.observe.ExchangeRecord;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import io.carpgate.policy.CarpItem;
import io.carpgate.policy.Gatekeeper;
import io.carpgate.policy.ItemKind;
import io.carpgate.policy.Verdict;
import io.carpgate.xmlrpc.MethodCall;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that sends a restore and then does not read its answer (any client in allow-from, with or without the
 * password) must not hold the pair's turn once the backup has answered: the master's next restore or start would
 * wait for it up to the idle timeout, and a chain of such clients past the turn's wait. The turn ends when carpgate
 * has the backup's whole answer, not when the client has read it. Real sockets on loopback; carpgate's side of the
 * connection with a small send buffer and the client's with a small receive buffer, so the answer cannot all go.
 */
class SlowMasterKeepsNoTurnTest {
    /** An answer of the backup's (its Content-Length known) larger than both sockets' buffers together. */
    private static final String ANSWER = "<?xml version=\"1.0\"?>\n<methodResponse><params><param><value><string>"
            + "x".repeat(12_000) + "</string></value></param></params></methodResponse>";
    private static final String RESTORE = "<methodCall><methodName>opnsense.restore_config_section</methodName>"
            + "<params><param><value><struct/></value></param></params></methodCall>";
    private static final CarpItem WG0 = new CarpItem(ItemKind.WIREGUARD, "3d2c1b0a", "wg0", true, Optional.of(7),
            Optional.of("opt2"));

    private final AtomicInteger answered = new AtomicInteger();
    private final List<ExchangeRecord> records = new CopyOnWriteArrayList<>();
    private Server backup;
    private Server carpgate;

    @AfterEach
    void stop() {
        LifeCycle.stop(carpgate);
        LifeCycle.stop(backup);
    }

    private URI backup() throws Exception {
        backup = StandInBackup.start(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Request.asInputStream(request).readAllBytes();
                byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
                response.getHeaders().put("Content-Type", "text/xml");
                response.getHeaders().put("Content-Length", body.length);
                response.write(true, ByteBuffer.wrap(body), Callback.from(() -> {
                    answered.incrementAndGet();
                    callback.succeeded();
                }, callback::failed));
                return true;
            }
        });
        return StandInBackup.xmlrpc(backup);
    }

    private int carpgate(URI xmlrpc, Function<MethodCall, Gatekeeper.Decided> decider) throws Exception {
        Forwarder forwarder = new Forwarder(new Forwarder.Upstream(xmlrpc, new SslContextFactory.Client(),
                Duration.ofSeconds(10), Duration.ofSeconds(60)), io.carpgate.observe.Logs.CONSOLE);
        BodyBudget budget = new BodyBudget(1 << 20);
        io.carpgate.observe.Metrics metrics = new io.carpgate.observe.Metrics("test");
        Handler chain = new BodyBuffering(1 << 20, budget, metrics, new Deciding(decider, false, budget, metrics,
                forwarder));
        ExchangeListener recording = new ExchangeListener() {
            @Override
            public void onComplete(ExchangeRecord record) {
                records.add(record);
            }
        };
        carpgate = new Server();
        ServerConnector connector = new ServerConnector(carpgate);
        connector.setHost("127.0.0.1");
        connector.setAcceptedSendBufferSize(2048);
        connector.setIdleTimeout(120_000); // the slow client is not cut off for the length of the test
        carpgate.addConnector(connector);
        carpgate.setHandler(new Handler.Wrapper(chain) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Exchange.begin(request, recording).pair("test");
                return super.handle(request, response, callback);
            }
        });
        carpgate.setRequestLog(new ExchangeCompletion(recording));
        carpgate.start();
        return connector.getLocalPort();
    }

    @Test
    void aClientThatDoesNotReadItsAnswerHoldsNoTurnOnceTheBackupHasAnswered() throws Exception {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        Function<MethodCall, Gatekeeper.Decided> restoring = call -> {
            try {
                CallOrder.Ticket ticket = memory.order().admit(CallOrder.Role.CHANGES, Duration.ofSeconds(5));
                return new Gatekeeper.Decided(new Verdict.Forward(List.of(new CallOutcome(call.methodName(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Action.FORWARDED, "test")), List.of()),
                        PendingCall.restoring(memory, ticket, List.of(WG0), Optional.empty(), () -> { }));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        int port = carpgate(backup(), restoring);
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(1024);
            slow.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            OutputStream out = slow.getOutputStream();
            byte[] body = RESTORE.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate.test\r\nContent-Type: text/xml\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            // The backup has answered, and carpgate has its answer; the client reads none of it.
            Awaitility.await("the backup answers").atMost(Duration.ofSeconds(30)).until(() -> answered.get() == 1);
            assertThat(records).as("the answer cannot all reach the client (else this test shows nothing)").isEmpty();

            // The master's next restore: its turn comes at once, not when the slow client reads or goes.
            CallOrder.Ticket next = memory.order().admit(CallOrder.Role.CHANGES, Duration.ofSeconds(10));
            try {
                assertThat(next.inTurn()).as("the next restore's turn while the client does not read").isTrue();
                assertThat(records).as("the client still has not read its answer").isEmpty();
            } finally {
                next.settle();
            }
        }
    }
}
