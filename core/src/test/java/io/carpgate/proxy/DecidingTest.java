package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.PendingCall;
import io.carpgate.observe.ExchangeRecord;
import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import io.carpgate.policy.Gatekeeper;
import io.carpgate.policy.Verdict;
import io.carpgate.xmlrpc.MethodCall;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * The Deciding stage acts on the verdict and fails closed: whatever goes wrong while reading, deciding or
 * patching, the master gets an XML-RPC fault, the exchange is recorded as rejected, and the next stage (the
 * forwarder) is never reached. In memory, behind the real body buffering, with deciders that break on purpose.
 */
class DecidingTest {
    private static final String CALL = "<methodCall><methodName>opnsense.firmware_version</methodName></methodCall>";
    private static final CallOutcome FORWARDED = new CallOutcome("opnsense.firmware_version", Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Action.FORWARDED, "not gated");

    private static StageHarness harness(Function<MethodCall, Gatekeeper.Decided> decider, boolean observe)
            throws Exception {
        return harness(decider, observe, null);
    }

    private static StageHarness harness(Function<MethodCall, Gatekeeper.Decided> decider, boolean observe,
                                        Handler forwarder) throws Exception {
        BodyBudget budget = new BodyBudget(1 << 20);
        io.carpgate.observe.Metrics metrics = new io.carpgate.observe.Metrics("test");
        return new StageHarness(next -> new BodyBuffering(1 << 20, budget, metrics,
                new Deciding(decider, observe, budget, metrics, next)), forwarder);
    }

    private static Gatekeeper.Decided decided(Verdict verdict) {
        return new Gatekeeper.Decided(verdict, PendingCall.none());
    }

    private static void assertRejectedWithoutForwarding(StageHarness stage, HttpTester.Response answer, String type) {
        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getContent()).contains("<fault>", "-32603", "nothing was sent to the backup",
                "internal error in carpgate (" + type + ")").doesNotContain("SECRET-IN-MESSAGE");
        assertThat(stage.reached()).isZero();
        assertThat(stage.record().calls()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.REJECTED);
            assertThat(c.method()).isEqualTo("(internal error)");
            assertThat(c.reason()).doesNotContain("SECRET-IN-MESSAGE");
        });
    }

    @Test
    void aRuntimeExceptionBecomesAFaultAndARejectedRecordAndNothingIsForwarded() throws Exception {
        try (StageHarness stage = harness(call -> {
            throw new IllegalStateException("SECRET-IN-MESSAGE: exception messages may quote the request");
        }, false)) {
            assertRejectedWithoutForwarding(stage, stage.post(CALL), "IllegalStateException");
        }
    }

    @Test
    void aStackOverflowIsRejectedTheSameWay() throws Exception {
        try (StageHarness stage = harness(call -> {
            throw new StackOverflowError("SECRET-IN-MESSAGE");
        }, false)) {
            assertRejectedWithoutForwarding(stage, stage.post(CALL), "StackOverflowError");
        }
    }

    @Test
    void observeModeFailsClosedAsWell() throws Exception {
        try (StageHarness stage = harness(call -> {
            throw new IllegalArgumentException("SECRET-IN-MESSAGE");
        }, true)) {
            assertRejectedWithoutForwarding(stage, stage.post(CALL), "IllegalArgumentException");
        }
    }

    /** A forwarding stage that fails before anything left: the master is told, the record says failed. */
    @Test
    void aForwardingStageThatThrowsIsAFaultAndAFailedRecordNeverForwarded() throws Exception {
        for (Throwable thrown : List.of(new IllegalStateException("SECRET-IN-MESSAGE"), new StackOverflowError())) {
            Handler broken = new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    if (thrown instanceof Error error) {
                        throw error;
                    }
                    throw (RuntimeException) thrown;
                }
            };
            try (StageHarness stage = harness(call -> decided(new Verdict.Forward(List.of(FORWARDED), List.of())),
                    false, broken)) {
                HttpTester.Response answer = stage.post(CALL);
                assertThat(answer.getStatus()).as(thrown.toString()).isEqualTo(502);
                assertThat(answer.getContent()).contains("<fault>", "nothing was sent", "before the call reached the backup")
                        .doesNotContain("SECRET-IN-MESSAGE");
                assertThat(stage.record().calls()).singleElement().extracting(CallOutcome::action)
                        .isEqualTo(Action.FAILED);
            }
        }
    }

    @Test
    void aForwardedCallReachesTheNextStageWithItsBody() throws Exception {
        try (StageHarness stage = harness(call -> decided(new Verdict.Forward(List.of(FORWARDED), List.of())), false)) {
            HttpTester.Response answer = stage.post(CALL);
            assertThat(answer.getStatus()).isEqualTo(StageHarness.REACHED);
            assertThat(answer.getContent()).isEqualTo(CALL);
            assertThat(stage.reached()).isEqualTo(1);
            assertThat(stage.record().calls()).singleElement().extracting(CallOutcome::action)
                    .isEqualTo(Action.FORWARDED);
        }
    }

    @Test
    void aSuppressedCallIsAnsweredByCarpgateWithAStringAndNotForwarded() throws Exception {
        CallOutcome suppressed = FORWARDED.withAction(Action.SUPPRESSED, "CARP state BACKUP");
        try (StageHarness stage = harness(call -> decided(new Verdict.Suppress("it: BACKUP",
                List.of(suppressed))), false)) {
            HttpTester.Response answer = stage.post(CALL);
            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(answer.getContent()).contains("<string>carpgate suppressed it: BACKUP</string>")
                    .doesNotContain("<fault>");
            assertThat(stage.reached()).isZero();
            ExchangeRecord record = stage.record();
            assertThat(record.calls()).singleElement().extracting(CallOutcome::action).isEqualTo(Action.SUPPRESSED);
        }
    }

    @Test
    void inObserveModeASuppressedCallGoesOnAsTheMasterSentIt() throws Exception {
        CallOutcome suppressed = FORWARDED.withAction(Action.SUPPRESSED, "CARP state BACKUP");
        try (StageHarness stage = harness(call -> decided(new Verdict.Suppress("it",
                List.of(suppressed))), true)) {
            HttpTester.Response answer = stage.post(CALL);
            assertThat(answer.getStatus()).isEqualTo(StageHarness.REACHED);
            assertThat(answer.getContent()).isEqualTo(CALL);
            ExchangeRecord record = stage.record();
            assertThat(record.mode()).isEqualTo("observe");
            assertThat(record.calls()).singleElement().extracting(CallOutcome::action).isEqualTo(Action.SUPPRESSED);
        }
    }

    @Test
    void anUnreadableBodyIsRejectedBeforeTheDeciderIsAsked() throws Exception {
        try (StageHarness stage = harness(call -> {
            throw new AssertionError("the decider must not be asked");
        }, false)) {
            HttpTester.Response answer = stage.post("<methodCall><methodName>x</methodName>");
            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(answer.getContent()).contains("<fault>", "nothing was sent to the backup");
            assertThat(stage.reached()).isZero();
            assertThat(stage.record().calls()).singleElement().satisfies(c -> {
                assertThat(c.action()).isEqualTo(Action.REJECTED);
                assertThat(c.method()).isEqualTo("(unreadable)");
            });
        }
    }
}
