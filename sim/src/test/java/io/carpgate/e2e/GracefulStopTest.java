package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping carpgate lets a call that is already with the backup finish, and takes no new ones. */
@EndToEnd
class GracefulStopTest {
    static final String SLOW_ANSWER = "<?xml version=\"1.0\"?>\n<methodResponse><params><param><value><string>slow done"
            + "</string></value></param></params></methodResponse>\n";

    @TempDir
    Path dir;

    private final CountDownLatch arrived = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicInteger arrivals = new java.util.concurrent.atomic.AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final RawHttps http = new RawHttps();
    private XmlRpcOnlyBackup slowBackup;
    private SimulatedBackup unused;
    private Pair running;
    private URI endpoint;
    private byte[] call;

    /** A backup that holds its answer to /xmlrpc.php until the test releases it, and carpgate in front of it. */
    @BeforeEach
    void start() throws Exception {
        slowBackup = new XmlRpcOnlyBackup((response, callback) -> {
            arrivals.incrementAndGet();
            arrived.countDown();
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the answer");
            }
            response.getHeaders().put("Content-Type", "text/xml");
            response.write(true, ByteBuffer.wrap(SLOW_ANSWER.getBytes(StandardCharsets.UTF_8)), callback);
        });
        unused = SimulatedBackup.start(SimulatedBackup.Options.defaults());
        running = Pair.start(dir, unused, slowBackup.url(), slowBackup.fingerprint(), "", null);
        endpoint = running.carpgate("/xmlrpc.php");
        call = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        try {
            running.close();
        } finally {
            slowBackup.close();
        }
    }

    /** The master's call, sent while the test goes on; carpgate forwards it and the backup holds it. */
    private CompletableFuture<RawHttps.Answer> callHeldByTheBackup() throws InterruptedException {
        CompletableFuture<RawHttps.Answer> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return http.post(endpoint, RawHttps.basic("root", "pw"), call);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(arrived.await(30, TimeUnit.SECONDS)).as("the call reached the backup").isTrue();
        return inFlight;
    }

    private CompletableFuture<Void> stopping() {
        return CompletableFuture.runAsync(running.carpgate::close);
    }

    @Test
    void aCallInFlightCompletesWhileCarpgateStops() throws Exception {
        CompletableFuture<RawHttps.Answer> inFlight = callHeldByTheBackup();
        CompletableFuture<Void> stopping = stopping(); // returns once the call in flight is done (or at the timeout)
        Awaitility.await("carpgate starts draining").atMost(Duration.ofSeconds(20))
                .until(running.carpgate.server()::draining);
        assertThat(stopping).as("the stop waits for the call in flight").isNotDone();
        // A new call while stopping is not taken: the master's own XML-RPC client reads carpgate's fault.
        com.fasterxml.jackson.databind.JsonNode refused = PythonMaster.run(running.base(), "root", "pw", "firmware")
                .get("answer");
        assertThat(refused.has("fault")).as("an XML-RPC Fault, not a protocol error: " + refused).isTrue();
        assertThat(refused.get("message").asText()).isEqualTo("carpgate is stopping; nothing was sent to the backup");
        assertThat(arrivals.get()).as("only the call in flight reached the backup").isEqualTo(1);
        RawHttps.Answer raw = http.post(endpoint, RawHttps.basic("root", "pw"), call);
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.contentType()).startsWith("text/xml");
        assertThat(stopping).as("still waiting for the backup's answer").isNotDone();
        release.countDown();

        RawHttps.Answer answer = inFlight.get(20, TimeUnit.SECONDS);
        stopping.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).contains("slow done");
    }

    @Test
    void aStopThatCannotDrainEndsAtItsTimeoutWithoutThrowingAndTheMasterIsNotToldOfSuccess() throws Exception {
        CompletableFuture<RawHttps.Answer> inFlight = callHeldByTheBackup();
        long started = System.nanoTime();
        CompletableFuture<Void> stopping = stopping();
        // The stop's own timeout is 15 s; Jetty must not wait for the same drain a second time.
        stopping.get(40, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isBetween(Duration.ofSeconds(14), Duration.ofSeconds(30));
        assertThat(stopping).as("close() returned normally").isCompletedWithValue(null);
        boolean told;
        try {
            told = inFlight.get(20, TimeUnit.SECONDS).status() == 200;
        } catch (java.util.concurrent.ExecutionException cutOff) {
            told = false;
        }
        assertThat(told).as("the master never hears 200 for a call cut off").isFalse();
        running.carpgate.close(); // a second close is a no-op
    }

    // What the record says of the calls around a stop: one refused while carpgate stops, one cut off at its timeout.

    @Test
    void aCallRefusedWhileStoppingIsRecordedAsRejected() throws Exception {
        CompletableFuture<RawHttps.Answer> inFlight = callHeldByTheBackup();
        CompletableFuture<Void> stopping = stopping();
        Awaitility.await("carpgate starts draining").atMost(Duration.ofSeconds(20))
                .until(running.carpgate.server()::draining);
        RawHttps.Answer refused = http.post(endpoint, RawHttps.basic("root", "pw"), call);
        assertThat(refused.text()).contains("carpgate is stopping");
        release.countDown();
        inFlight.get(20, TimeUnit.SECONDS);
        stopping.get(20, TimeUnit.SECONDS);

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> running.exchanges.records().size() >= 2);
        io.carpgate.observe.ExchangeRecord record = running.exchanges.records().stream()
                .filter(r -> r.upstreamStatus().isEmpty()).findFirst().orElseThrow();
        String access = running.log("access.log");
        String decisions = running.log("decisions.jsonl");
        assertThat(record.decisionSummary())
                .as("the master was answered a fault and nothing was sent: the record must say rejected; access.log:\n"
                        + access + "decisions.jsonl:\n" + decisions)
                .isEqualTo("rejected");
        assertThat(decisions).as("the refused call is in the decision log").contains("\"decision\":\"rejected\"");
    }

    @Test
    void aCallCutOffAtTheStopTimeoutIsRecordedAsFailed() throws Exception {
        CompletableFuture<RawHttps.Answer> inFlight = callHeldByTheBackup();
        running.carpgate.close(); // waits the stop timeout, then cuts the call off
        try {
            inFlight.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException cutOff) {
            // expected: the master never hears success
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !running.exchanges.records().isEmpty());
        io.carpgate.observe.ExchangeRecord record = running.exchanges.records().get(0);
        String access = running.log("access.log");
        String decisions = running.log("decisions.jsonl");
        assertThat(decisions).as("decisions.jsonl:\n" + decisions).contains("\"stage\":\"sent\"");
        assertThat(decisions).as("the call cut off has its done line: decisions.jsonl:\n" + decisions)
                .contains("\"stage\":\"done\"");
        assertThat(record.decisionSummary()).as("access.log:\n" + access).isEqualTo("failed");
        assertThat(access).as("access.log").contains("decision=failed");
    }
}
