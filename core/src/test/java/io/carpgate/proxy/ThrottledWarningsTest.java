package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.observe.ConnectionDrop;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledWarningsTest {
    @Test
    void oneLinePerReasonPerMinuteAndTheNextSaysHowManyWereLeftOut() {
        AtomicLong now = new AtomicLong(1_000);
        ThrottledWarnings warnings = new ThrottledWarnings(now::get, io.carpgate.observe.Logs.CONSOLE);
        assertThat(warnings.closed(ConnectionDrop.NOT_ALLOWED, "192.0.2.9", "")).hasValueSatisfying(
                l -> assertThat(l).contains("192.0.2.9", "allow-from").doesNotContain("more"));
        for (int i = 0; i < 259; i++) {
            now.addAndGet(100_000_000L); // 25.9 s in all: within the minute
            assertThat(warnings.closed(ConnectionDrop.NOT_ALLOWED, "192.0.2.9", "")).isEmpty();
        }
        assertThat(warnings.closed(ConnectionDrop.PER_CLIENT_LIMIT, "192.0.2.1", " (16)"))
                .as("another reason has its own minute").isPresent();
        now.addAndGet(ThrottledWarnings.INTERVAL.toNanos());
        assertThat(warnings.closed(ConnectionDrop.NOT_ALLOWED, "192.0.2.7", "")).hasValueSatisfying(
                l -> assertThat(l).contains("192.0.2.7", "and 259 more for this reason"));
        assertThat(warnings.closed(ConnectionDrop.NOT_ALLOWED, "192.0.2.7", "")).isEmpty();
    }
}
