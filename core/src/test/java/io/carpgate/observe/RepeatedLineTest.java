package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RepeatedLineTest {
    @Test
    void oneLineAMinuteAndTheNextCountsWhatWasLeftOut() {
        Logger log = (Logger) LoggerFactory.getLogger("test.RepeatedLineTest");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.setContext(log.getLoggerContext());
        lines.start();
        log.addAppender(lines);
        AtomicLong now = new AtomicLong(1_000);
        RepeatedLine line = new RepeatedLine(log, now::get);
        try {
            assertThat(line.warn("rejected 192.0.2.1: user not in allowed-users")).isTrue();
            for (int i = 0; i < 5; i++) {
                now.addAndGet(RepeatedLine.EVERY_NANOS / 10);
                assertThat(line.warn("rejected 192.0.2.1: again")).isFalse();
            }
            now.addAndGet(RepeatedLine.EVERY_NANOS);
            assertThat(line.warn("rejected 192.0.2.2: user not in allowed-users")).isTrue();
        } finally {
            log.detachAppender(lines);
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "rejected 192.0.2.1: user not in allowed-users",
                "rejected 192.0.2.2: user not in allowed-users (and 5 more such line(s) since the last, not logged)");
    }

    @Test
    void oneClientsFloodDoesNotHideAnothersFirstLineAndAllTogetherAreBounded() {
        Logger log = (Logger) LoggerFactory.getLogger("test.RepeatedLineTest.keys");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.setContext(log.getLoggerContext());
        lines.start();
        log.addAppender(lines);
        AtomicLong now = new AtomicLong(1_000);
        RepeatedLine line = new RepeatedLine(log, now::get);
        try {
            for (int i = 0; i < 100; i++) {
                line.warn("192.0.2.9", "rejected 192.0.2.9: user not in allowed-users");
            }
            assertThat(line.warn("192.0.2.1", "rejected 192.0.2.1: user not in allowed-users"))
                    .as("the master's first line, amid another's flood").isTrue();
            for (int i = 0; i < 1000; i++) {
                line.warn("198.51.100." + (i % 250), "rejected 198.51.100." + (i % 250));
            }
        } finally {
            log.detachAppender(lines);
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("rejected 192.0.2.1: user not in allowed-users")
                .hasSize(RepeatedLine.LINES_A_MINUTE);
    }
}
