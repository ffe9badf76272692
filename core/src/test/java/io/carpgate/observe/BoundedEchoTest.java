package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Records, decision-log lines and the recent-decisions ring stay small whatever a client sent. */
class BoundedEchoTest {
    private static final String HUGE = "\u0001".repeat(1 << 20);

    private static CallOutcome huge() {
        return new CallOutcome(HUGE, Optional.of(HUGE), Optional.of(HUGE), Optional.of(HUGE), Optional.of(HUGE),
                Optional.of(HUGE), Optional.of(HUGE), Action.SUPPRESSED, HUGE);
    }

    private static ExchangeRecord record(CallOutcome call) {
        return new ExchangeRecord("0123456789ab", ZonedDateTime.now(), "p", HUGE, Optional.of(HUGE), HUGE, 200, 1, 1, Duration.ZERO,
                List.of(call), false, Optional.empty(), Optional.empty(), Optional.of(HUGE), Optional.of(HUGE),
                Optional.of(HUGE), Optional.empty());
    }

    @Test
    void aDecisionLineIsBoundedEvenWhenEveryTextIsControlCharacters() {
        String line = new DecisionLog().line(DecisionLog.Stage.done(record(huge())), huge());
        assertThat(line.length()).isLessThanOrEqualTo(DecisionLog.MAX_LINE);
        assertThat(line).contains("bytes)");
    }

    @Test
    void anAccessLineIsBounded() {
        assertThat(AccessLog.line(record(huge())).length()).isLessThan(8 * 1024);
    }

    @Test
    void theRecentDecisionsAreBoundedInBytesNotOnlyInEntries() {
        RecentDecisions recent = new RecentDecisions(1000, 64 * 1024);
        for (int i = 0; i < 200; i++) {
            recent.onComplete(record(huge()));
        }
        List<RecentDecisions.Entry> kept = recent.newestFirst();
        assertThat(kept).hasSizeBetween(1, 199);
        long chars = kept.stream().mapToLong(e -> e.reason().length() + e.method().length()
                + e.instance().orElse("").length()).sum();
        assertThat(2 * chars).isLessThanOrEqualTo(64 * 1024);
    }
}
