package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import io.carpgate.tls.PemFiles;
import io.carpgate.tls.SelfSigned;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping carpgate lets a call that is already with the backup finish, and takes no new ones. */
@EndToEnd
class GracefulStopTest {
    static final String SLOW_ANSWER = "<?xml version=\"1.0\"?>\n<methodResponse><params><param><value><string>slow done"
            + "</string></value></param></params></methodResponse>\n";

    @TempDir
    Path dir;

    @Test
    void aCallInFlightCompletesWhileCarpgateStops() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SelfSigned.Pair pair = SelfSigned.generate("slow-backup", List.of("127.0.0.1"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("k", pair.keyPair().getPrivate(), "pw".toCharArray(), new Certificate[] {pair.certificate()});
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(store);
        tls.setKeyStorePassword("pw");
        Server slowBackup = new Server();
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
                arrived.countDown();
                // The answer is held until the test has seen carpgate drain with this call in flight.
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the answer");
                }
                response.getHeaders().put("Content-Type", "text/xml");
                response.write(true, ByteBuffer.wrap(SLOW_ANSWER.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        slowBackup.start();
        RawHttps http = new RawHttps();
        try (SimulatedBackup unused = SimulatedBackup.start(SimulatedBackup.Options.defaults())) {
            Pair running = Pair.start(dir, unused, URI.create("https://127.0.0.1:" + connector.getLocalPort()),
                    pair.fingerprint().toString(), "", null);
            URI endpoint = running.carpgate("/xmlrpc.php");
            byte[] call = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
            CompletableFuture<RawHttps.Answer> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return http.post(endpoint, RawHttps.basic("root", "pw"), call);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(arrived.await(10, TimeUnit.SECONDS)).as("the call reached the backup").isTrue();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
                try {
                    running.carpgate.close(); // returns once the call in flight is done (or the stop timeout)
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Awaitility.await("carpgate starts draining").atMost(Duration.ofSeconds(20))
                    .until(running.carpgate.server()::draining);
            assertThat(stopping).as("the stop waits for the call in flight").isNotDone();
            // A new call while stopping is not taken: refused connection or 503, never forwarded.
            boolean refused;
            try {
                refused = http.post(endpoint, RawHttps.basic("root", "pw"), call).status() == 503;
            } catch (java.io.IOException e) {
                refused = true;
            }
            assertThat(refused).as("a new call during the stop is refused").isTrue();
            assertThat(stopping).as("still waiting for the backup's answer").isNotDone();
            release.countDown();

            RawHttps.Answer answer = inFlight.get(20, TimeUnit.SECONDS);
            stopping.get(20, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text()).contains("slow done");
        } finally {
            release.countDown();
            slowBackup.stop();
        }
    }
}
