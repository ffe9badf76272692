package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.config.Access;
import io.carpgate.policy.Action;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

/**
 * The guards and the body buffering in front of the decision, each in memory (no socket): what each lets through
 * reaches the next stage with its body whole, what it rejects gets carpgate's own answer and a rejected record,
 * and never reaches the next stage.
 */
class GuardStagesTest {
    private static final String CALL = "<methodCall><methodName>opnsense.firmware_version</methodName></methodCall>";

    private static void assertRejected(StageHarness stage, HttpTester.Response answer, int status, String method,
                                       String why) {
        assertThat(answer.getStatus()).isEqualTo(status);
        assertThat(answer.getContent()).contains("<fault>", "carpgate rejected the request, nothing was sent to the "
                + "backup: " + why);
        assertThat(answer.get("Connection")).isEqualTo("close");
        assertThat(stage.reached()).isZero();
        assertThat(stage.record().calls()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.REJECTED);
            assertThat(c.method()).isEqualTo(method);
        });
    }

    @Test
    void theBodyBufferingHandsOnTheWholeBodyAnnouncedOrChunked() throws Exception {
        try (StageHarness stage = new StageHarness(next -> new BodyBuffering(1024, new BodyBudget(4096),
                new io.carpgate.observe.Metrics("test"), next))) {
            HttpTester.Response announced = stage.post(CALL);
            assertThat(announced.getStatus()).isEqualTo(StageHarness.REACHED);
            assertThat(announced.getContent()).isEqualTo(CALL);

            String chunked = "POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "10\r\n" + CALL.substring(0, 16) + "\r\n" + Integer.toHexString(CALL.length() - 16) + "\r\n"
                    + CALL.substring(16) + "\r\n0\r\n\r\n";
            HttpTester.Response trickled = stage.send(ByteBuffer.wrap(chunked.getBytes(StandardCharsets.US_ASCII)));
            assertThat(trickled.getStatus()).isEqualTo(StageHarness.REACHED);
            assertThat(trickled.getContent()).isEqualTo(CALL);
            assertThat(stage.reached()).isEqualTo(2);
        }
    }

    @Test
    void theBudgetIsGivenBackWhenTheRequestEndsHoweverItEnds() throws Exception {
        BodyBudget budget = new BodyBudget(1 << 20);
        java.util.concurrent.atomic.AtomicLong heldWhileDeciding = new java.util.concurrent.atomic.AtomicLong(-1);
        try (StageHarness stage = new StageHarness(next -> new BodyBuffering(1 << 20, budget,
                new io.carpgate.observe.Metrics("test"), new Deciding(call -> {
                    heldWhileDeciding.set(budget.inUse());
                    throw new IllegalStateException("breaks after the body was read");
                }, false, budget, new io.carpgate.observe.Metrics("test"), next)))) {
            assertThat(stage.post(CALL).getContent()).contains("internal error in carpgate");
            // The exact announced length, reserved once, and what the reader keeps of the call while it is decided.
            assertThat(heldWhileDeciding).hasValue(CALL.length() + DecidingBudgetTest.kept(CALL));
            org.awaitility.Awaitility.await("the body's share is given back").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> budget.inUse() == 0);
        }
        try (StageHarness stage = new StageHarness(next -> new BodyBuffering(1 << 20, budget,
                new io.carpgate.observe.Metrics("test"), next))) {
            assertThat(stage.post(CALL).getStatus()).isEqualTo(StageHarness.REACHED);
            org.awaitility.Awaitility.await("the body's share is given back").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> budget.inUse() == 0);
        }
    }

    @Test
    void aBodyOverMaxBodyIsRejectedWith413() throws Exception {
        try (StageHarness stage = new StageHarness(next -> new BodyBuffering(CALL.length() - 1,
                new BodyBudget(4096), new io.carpgate.observe.Metrics("test"), next))) {
            assertRejected(stage, stage.post(CALL), 413, "(too large)",
                    "body larger than " + (CALL.length() - 1) + " bytes");
        }
    }

    @Test
    void aBodyTheBudgetCannotHoldIsRejectedWith503AndRetryAfter() throws Exception {
        // max-body allows the call, the budget (shared by every body in flight) not its first buffer.
        try (StageHarness stage = new StageHarness(next -> new BodyBuffering(1 << 20, new BodyBudget(16),
                new io.carpgate.observe.Metrics("test"), next))) {
            HttpTester.Response big = stage.send(ByteBuffer.wrap(("POST /xmlrpc.php HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(CALL.length()) + "\r\n" + CALL
                    + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            assertThat(big.getStatus()).isEqualTo(503);
            assertThat(big.get("Retry-After")).isEqualTo(String.valueOf(BodyBuffering.RETRY_AFTER_SECONDS));
            assertThat(big.getContent()).contains("nothing was sent to the backup", "limits.body-budget");
            assertThat(stage.reached()).isZero();
        }
    }

    @Test
    void aCodedBodyIsRejectedWith415AndAnIdentityOnePasses() throws Exception {
        try (StageHarness stage = new StageHarness(EncodingGuard::new)) {
            assertRejected(stage, stage.post(CALL, Map.of("Content-Encoding", "identity, gzip")), 415,
                    "(unreadable)", "carpgate cannot inspect a body with Content-Encoding identity, gzip");
        }
        try (StageHarness stage = new StageHarness(EncodingGuard::new)) {
            assertThat(stage.post(CALL, Map.of("Content-Encoding", "identity")).getStatus())
                    .isEqualTo(StageHarness.REACHED);
        }
    }

    @Test
    void onlyTheXmlRpcEndpointPasses() throws Exception {
        try (StageHarness stage = new StageHarness(EndpointGuard::new)) {
            HttpTester.Response other = stage.send(ByteBuffer.wrap(("POST /api/core/firmware HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            assertThat(other.getStatus()).isEqualTo(404);
            assertThat(stage.reached()).isZero();
            assertThat(stage.post(CALL).getStatus()).isEqualTo(StageHarness.REACHED);
            assertThat(stage.reached()).isEqualTo(1);
        }
    }

    @Test
    void aClientWithoutAnAllowedAddressIsRejectedWith403() throws Exception {
        // The in-memory connection has no internet address: never in allow-from, not even loopback's default.
        try (StageHarness stage = new StageHarness(next -> new AccessGuard(Access.loopbackOnly(),
                new io.carpgate.observe.RepeatedLine(org.slf4j.LoggerFactory.getLogger(AccessGuard.class)), next))) {
            assertRejected(stage, stage.post(CALL), 403, "(not allowed)", "client address not in allow-from");
        }
    }

}
