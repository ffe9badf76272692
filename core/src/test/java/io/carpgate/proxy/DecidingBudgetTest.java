package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.PendingCall;
import io.carpgate.observe.Metrics;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import io.carpgate.policy.Gate;
import io.carpgate.policy.Gatekeeper;
import io.carpgate.policy.Verdict;
import io.carpgate.xmlrpc.BackupReader;
import io.carpgate.xmlrpc.MethodCall;
import io.carpgate.xmlrpc.ReadResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

/**
 * What the reader keeps of a call is charged to the bodies' budget while it is decided, behind the real body
 * buffering: a call whose kept values do not fit beside the bodies in flight is answered 503 like a body that does
 * not, one that could never fit gets a fault; nothing reaches the next stage, and all of the charge is given back.
 */
class DecidingBudgetTest {
    private static final int LIMIT = 1 << 20;
    private static final CallOutcome FORWARDED = new CallOutcome("opnsense.firmware_version", Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Action.FORWARDED, "not gated");

    private final BodyBudget budget = new BodyBudget(LIMIT);
    private final Metrics metrics = new Metrics("test");

    /** What the reader charges for the kept values of {@code call}, read as Deciding reads it. */
    static long kept(String call) {
        AtomicLong charged = new AtomicLong();
        ReadResult read = BackupReader.read(call.getBytes(StandardCharsets.UTF_8), Gate.READS, bytes -> {
            charged.addAndGet(bytes);
            return true;
        });
        assertThat(read).isInstanceOf(ReadResult.Call.class);
        return charged.get();
    }

    /** firmware_version with one array of {@code count} one-char values: 16 bytes of body, ~194 kept, each. */
    private static String firmwareArray(int count) {
        return "<methodCall><methodName>opnsense.firmware_version</methodName><params><param><value><array><data>"
                + "<value>v</value>".repeat(count) + "</data></array></value></param></params></methodCall>";
    }

    private StageHarness harness(Function<MethodCall, Gatekeeper.Decided> decider) throws Exception {
        return new StageHarness(next -> new BodyBuffering(LIMIT, budget, metrics,
                new Deciding(decider, false, budget, metrics, next)));
    }

    private static Gatekeeper.Decided forward(MethodCall call) {
        return new Gatekeeper.Decided(new Verdict.Forward(List.of(FORWARDED), List.of()), PendingCall.none());
    }

    private void awaitBudget(long inUse) {
        Awaitility.await("the budget holds " + inUse).atMost(Duration.ofSeconds(30)).until(() -> budget.inUse() == inUse);
    }

    private String scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void whileDecidingTheBudgetHoldsTheBodyAndWhatIsKeptOfItThenNothing() throws Exception {
        String call = firmwareArray(1000);
        AtomicLong held = new AtomicLong(-1);
        try (StageHarness stage = harness(read -> {
            held.set(budget.inUse());
            return forward(read);
        })) {
            assertThat(stage.post(call).getStatus()).isEqualTo(StageHarness.REACHED);
            assertThat(held).hasValue(call.length() + kept(call));
            assertThat(kept(call)).isGreaterThan(1000 * 150L);
            awaitBudget(0);
        }
    }

    @Test
    void keptValuesThatDoNotFitBesideTheBodiesInFlightAre503AndNothingGoesOn() throws Exception {
        String call = firmwareArray(3000);
        assertThat(call.length() + kept(call)).as("fits alone").isLessThan(LIMIT);
        long inFlight = LIMIT - call.length() - kept(call) / 2; // another body holds the rest
        assertThat(budget.reserve(inFlight)).isTrue();
        try (StageHarness stage = harness(read -> {
            throw new AssertionError("never decided: its values were not all read");
        })) {
            HttpTester.Response answer = stage.post(call);
            assertThat(answer.getStatus()).isEqualTo(503);
            assertThat(answer.get("Retry-After")).isEqualTo(String.valueOf(BodyBuffering.RETRY_AFTER_SECONDS));
            assertThat(answer.getContent()).contains("<fault>", "nothing was sent to the backup", "limits.body-budget");
            assertThat(stage.reached()).isZero();
            assertThat(stage.record().calls()).singleElement().satisfies(c -> {
                assertThat(c.action()).isEqualTo(Action.REJECTED);
                assertThat(c.method()).isEqualTo("(body budget)");
                assertThat(c.reason()).contains("limits.body-budget");
            });
            assertThat(scrape()).contains("carpgate_body_budget_rejections_total{pair=\"test\"} 1.0");
            awaitBudget(inFlight);
        }
        budget.release(inFlight);
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void keptValuesThatCouldNeverFitAreAFaultNotARetry() throws Exception {
        String call = firmwareArray(6000);
        assertThat(call.length()).isLessThan(LIMIT / 8);
        try (StageHarness stage = harness(read -> {
            throw new AssertionError("never decided");
        })) {
            HttpTester.Response answer = stage.post(call);
            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(answer.get("Retry-After")).isNull();
            assertThat(answer.getContent()).contains("<fault>", "nothing was sent to the backup", "limits.body-budget",
                    "even with no other request in flight");
            assertThat(stage.reached()).isZero();
            assertThat(stage.record().calls()).singleElement().extracting(CallOutcome::method).isEqualTo("(body budget)");
            awaitBudget(0);
        }
    }

    @Test
    void aChunkedBodyCountsWithTheBufferItHoldsWhenJudgingWhetherItCouldEverFit() throws Exception {
        // Chunked, in 7 KiB pieces: its buffer grows by doubling to 512 KiB for some 300 KiB of body, and that is what
        // it holds of the budget. Beside it, its kept values could never fit, though beside its length they would.
        String call = firmwareArray(19_000);
        assertThat(call.length()).isBetween(256 * 1024, 320 * 1024);
        StringBuilder raw = new StringBuilder("POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate.test\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        for (int at = 0; at < call.length(); at += 7 * 1024) {
            String piece = call.substring(at, Math.min(call.length(), at + 7 * 1024));
            raw.append(Integer.toHexString(piece.length())).append("\r\n").append(piece).append("\r\n");
        }
        raw.append("0\r\n\r\n");
        try (StageHarness stage = harness(read -> {
            throw new AssertionError("never decided");
        })) {
            HttpTester.Response answer = stage.send(java.nio.ByteBuffer.wrap(
                    raw.toString().getBytes(StandardCharsets.US_ASCII)));
            assertThat(answer.getStatus()).as("a fault, not a 503 that no retry could ever get past").isEqualTo(200);
            assertThat(answer.getContent()).contains("<fault>", "even with no other request in flight");
            assertThat(stage.reached()).isZero();
            awaitBudget(0);
        }
    }

    @Test
    void aDecisionThatBreaksGivesBackWhatWasKept() throws Exception {
        String call = firmwareArray(1000);
        for (Throwable thrown : List.of(new IllegalStateException("breaks"), new OutOfMemoryError("pretend"))) {
            AtomicLong held = new AtomicLong(-1);
            try (StageHarness stage = harness(read -> {
                held.set(budget.inUse());
                if (thrown instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) thrown;
            })) {
                assertThat(stage.post(call).getContent()).as(thrown.toString()).contains("internal error in carpgate");
                assertThat(held.get()).isGreaterThan(call.length());
                assertThat(stage.reached()).isZero();
                awaitBudget(0);
            }
        }
    }
}
