package io.carpgate.proxy;

import io.carpgate.observe.Exchange;
import io.carpgate.observe.ExchangeCompletion;
import io.carpgate.observe.ExchangeListener;
import io.carpgate.observe.ExchangeRecord;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Proxy stages in memory, as Jetty tests its own wrappers: a server with a {@link LocalConnector} (no socket),
 * the exchange begun as {@code PairRouter} begins it, its record kept, and in place of the forwarder a stage that
 * counts what reaches it and answers 599 with the body it read.
 */
final class StageHarness implements AutoCloseable {
    static final int REACHED = 599;

    private final List<ExchangeRecord> records = new CopyOnWriteArrayList<>();
    private final AtomicInteger reached = new AtomicInteger();
    private final Server server = new Server();
    private final LocalConnector connector = new LocalConnector(server);

    /** The stages under test, built around the counting end. */
    StageHarness(Function<Handler, Handler> stages) throws Exception {
        this(stages, null);
    }

    /** The stages under test, built around {@code end} (or the counting end when null). */
    StageHarness(Function<Handler, Handler> stages, Handler end) throws Exception {
        ExchangeListener recording = new ExchangeListener() {
            @Override
            public void onComplete(ExchangeRecord record) {
                records.add(record);
            }
        };
        server.addConnector(connector);
        server.setHandler(new Handler.Wrapper(stages.apply(end == null ? counting() : end)) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Exchange.begin(request, recording).pair("test");
                return super.handle(request, response, callback);
            }
        });
        server.setRequestLog(new ExchangeCompletion(recording));
        server.start();
    }

    private Handler counting() {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                reached.incrementAndGet();
                byte[] body = Request.asInputStream(request).readAllBytes();
                response.setStatus(REACHED);
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        };
    }

    /** How many requests reached the end of the chain. */
    int reached() {
        return reached.get();
    }

    HttpTester.Response post(String body) throws Exception {
        return post(body, Map.of());
    }

    HttpTester.Response post(String body, Map<String, String> headers) throws Exception {
        HttpTester.Request request = HttpTester.newRequest();
        request.setMethod("POST");
        request.setURI("/xmlrpc.php");
        request.setHeader("Host", "carpgate.test");
        request.setHeader("Content-Type", "text/xml");
        headers.forEach(request::setHeader);
        request.setContent(body);
        return send(request.generate());
    }

    /** Raw request bytes in, the parsed response out (or a failure when none came within the deadline). */
    HttpTester.Response send(ByteBuffer raw) throws Exception {
        ByteBuffer answer = connector.getResponse(raw, 30, TimeUnit.SECONDS);
        if (answer == null) {
            throw new AssertionError("no response within 30 s");
        }
        return HttpTester.parseResponse(answer);
    }

    /** The one exchange recorded, once it is. */
    ExchangeRecord record() {
        return Awaitility.await("the exchange is recorded").atMost(Duration.ofSeconds(30))
                .until(() -> records.stream().findFirst(), java.util.Optional::isPresent).orElseThrow();
    }

    @Override
    public void close() {
        LifeCycle.stop(server);
    }
}
