package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each of an exchange's events counts as the listener seeing a master, on a clock the test moves. */
class ExchangeActivityTest {
    private static final List<Consumer<ExchangeActivity>> EVENTS = List.of(
            a -> a.onDecided(null), a -> a.onForwarded(null), a -> a.onFailed(null, "backup unreachable"),
            a -> a.onComplete(null));

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void eachEventOfAnExchangeEndsTheQuietUntilTheQuietTimeHasPassedAgain(int event) {
        AtomicLong now = new AtomicLong(-5_000_000_000L); // any nanoTime, a negative one too
        ExchangeActivity activity = new ExchangeActivity(now::get);
        Duration second = Duration.ofSeconds(1);
        assertThat(activity.quietFor(second)).as("quiet before any exchange").isTrue();

        EVENTS.get(event).accept(activity);
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(activity.quietFor(second)).isFalse();
        assertThat(activity.quietFor(Duration.ZERO)).as("zero: always quiet").isTrue();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(activity.quietFor(second)).isTrue();
    }
}
