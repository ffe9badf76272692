package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.memory.CallOrder;
import io.carpgate.memory.PairMemory;
import io.carpgate.memory.PendingCall;
import io.carpgate.observe.Metrics;
import io.carpgate.policy.Gatekeeper;
import io.carpgate.policy.OnUnknownCarp;
import io.carpgate.policy.VhidMap;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Observe mode sends calls on, but not what carpgate refuses for its cost, and it holds no call back for long. */
class ObserveModeBoundsTest {
    private static final int LIMIT = 1 << 20;
    private final BodyBudget budget = new BodyBudget(LIMIT);
    private final Metrics metrics = new Metrics("test");

    private static String firmwareArray(int count) {
        return "<methodCall><methodName>opnsense.firmware_version</methodName><params><param><value><array><data>"
                + "<value>v</value>".repeat(count) + "</data></array></value></param></params></methodCall>";
    }

    /** A call whose kept values could not fit even alone gets a fault and goes nowhere, as a body over max-body. */
    @Test
    void keptValuesThatCouldNeverFitAreNotForwardedInObserveModeEither() throws Exception {
        String call = firmwareArray(6000);
        try (StageHarness stage = new StageHarness(next -> new BodyBuffering(LIMIT, budget, metrics,
                new Deciding(read -> { throw new AssertionError("never decided"); },
                        (c, why) -> PendingCall.none(), true, budget, metrics, next)))) {
            stage.post(call);
            assertThat(stage.reached()).as("nothing forwarded, in every mode").isZero();
        }
    }

    /**
     * A restore that did not get its turn (a call before it still with the backup) waits turnWait in the gatekeeper,
     * and is then sent on without waiting for another turn.
     */
    @Test
    void aRestoreOutOfTurnInObserveModeWaitsItsTurnOnlyOnce() throws Exception {
        PairMemory memory = PairMemory.inProcess("default", Clock.systemUTC());
        Duration turnWait = Duration.ofMillis(700);
        Gatekeeper gatekeeper = new Gatekeeper("default", VhidMap.none(), io.carpgate.testkit.FixedCarp.unavailable(), OnUnknownCarp.SUPPRESS, memory, turnWait, vips -> { });
        CallOrder.Ticket before = memory.order().admit(CallOrder.Role.READS, Duration.ofSeconds(1)); // with the backup
        String restore = "<?xml version=\"1.0\"?><methodCall><methodName>opnsense.restore_config_section</methodName>"
                + "<params><param><value><struct><member><name>x</name><value><string>1</string></value></member>"
                + "</struct></value></param></params></methodCall>";
        try (StageHarness stage = new StageHarness(next -> new BodyBuffering(LIMIT, budget, metrics,
                new Deciding(gatekeeper::decide, gatekeeper::sentUnjudged, true, budget, metrics, next)))) {
            long start = System.nanoTime();
            stage.post(restore);
            long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(stage.reached()).isEqualTo(1);
            assertThat(waited).as("held back in observe mode for " + waited + " ms").isLessThan(2 * turnWait.toMillis());
        } finally {
            before.settle();
        }
    }
}
