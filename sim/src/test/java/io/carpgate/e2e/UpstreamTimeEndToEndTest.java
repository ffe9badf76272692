package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import io.carpgate.tls.SelfSigned;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * carpgate_upstream_duration_seconds is documented as "time from sending a call to the backup until its
 * answer's headers". A backup that sends its headers at once and its body over a second must show about 0 s there,
 * not the time the whole answer took to pass.
 */
@EndToEnd
class UpstreamTimeEndToEndTest {
    static final String SLOW_ANSWER = "<?xml version=\"1.0\"?>\n<methodResponse><params><param><value><string>slow done"
            + "</string></value></param></params></methodResponse>\n";

    @TempDir
    Path dir;

    private final CountDownLatch arrived = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicInteger arrivals = new java.util.concurrent.atomic.AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final RawHttps http = new RawHttps();
    private Server slowBackup;
    private SimulatedBackup unused;
    private Pair running;
    private URI endpoint;
    private byte[] call;

    /** A backup that holds its answer to /xmlrpc.php until the test releases it, and carpgate in front of it. */
    @BeforeEach
    void start() throws Exception {
        SelfSigned.Pair pair = SelfSigned.generate("slow-backup", List.of("127.0.0.1"));
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(io.carpgate.testkit.SelfSignedKeys.keyStore(pair));
        tls.setKeyStorePassword(String.valueOf(io.carpgate.testkit.SelfSignedKeys.PASSWORD));
        slowBackup = new Server();
        ServerConnector connector = new ServerConnector(slowBackup, tls);
        connector.setHost("127.0.0.1");
        slowBackup.addConnector(connector);
        slowBackup.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                org.eclipse.jetty.io.Content.Source.consumeAll(request);
                if (!request.getHttpURI().getPath().equals("/xmlrpc.php")) {
                    // carpgate's own reads of the CARP API: not the call this test holds in flight.
                    Response.writeError(request, response, callback, 404);
                    return true;
                }
                arrivals.incrementAndGet();
                arrived.countDown();
                byte[] answer = SLOW_ANSWER.getBytes(StandardCharsets.UTF_8);
                response.getHeaders().put("Content-Type", "text/xml");
                response.getHeaders().put("Content-Length", answer.length);
                org.eclipse.jetty.util.Callback.Completable first = new org.eclipse.jetty.util.Callback.Completable();
                response.write(false, ByteBuffer.wrap(answer, 0, 10), first); // the head and a first piece, at once
                first.get(10, TimeUnit.SECONDS);
                Thread.sleep(1500);
                response.write(true, ByteBuffer.wrap(answer, 10, answer.length - 10), callback);
                return true;
            }
        });
        slowBackup.start();
        unused = SimulatedBackup.start(SimulatedBackup.Options.defaults());
        running = Pair.start(dir, unused, URI.create("https://127.0.0.1:" + connector.getLocalPort()),
                pair.fingerprint().toString(), "", null);
        endpoint = running.carpgate("/xmlrpc.php");
        call = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        try {
            running.close();
        } finally {
            slowBackup.stop();
        }
    }

    @Test
    void theUpstreamTimeEndsWithTheAnswersHeaders() throws Exception {
        RawHttps.Answer answer = http.post(endpoint, RawHttps.basic("root", "pw"), call);
        assertThat(answer.text()).contains("slow done");
        io.carpgate.observe.ExchangeRecord record = running.exchanges.await("the call", r -> r.upstreamTime().isPresent());
        assertThat(record.upstreamTime().orElseThrow())
                .as("the backup's headers came at once; its body took 1.5 s more")
                .isLessThan(Duration.ofMillis(1000));
    }
}
