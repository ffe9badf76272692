package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RepeatedLineTest {
    /** The lines written to {@code log} from now on (the caller detaches it). */
    private static ListAppender<ILoggingEvent> linesOf(Logger log) {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.setContext(log.getLoggerContext());
        lines.start();
        log.addAppender(lines);
        return lines;
    }

    @Test
    void oneLineAMinuteAndTheNextCountsWhatWasLeftOut() {
        Logger log = (Logger) LoggerFactory.getLogger("test.RepeatedLineTest");
        ListAppender<ILoggingEvent> lines = linesOf(log);
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
        ListAppender<ILoggingEvent> lines = linesOf(log);
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
            // A minute later: each key's first line was said; now no more than the minute's lines in all.
            now.addAndGet(RepeatedLine.EVERY_NANOS);
            for (int i = 0; i < 1000; i++) {
                line.warn("198.51.100." + (i % 250), "rejected 198.51.100." + (i % 250) + " again");
            }
        } finally {
            log.detachAppender(lines);
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("rejected 192.0.2.1: user not in allowed-users")
                .hasSize(2 + 250 + RepeatedLine.LINES_A_MINUTE);
    }

    /** One client with many addresses (an allow-from network) used up each minute's lines: the master's first is said. */
    @Test
    void sixteenAddressesOfOneClientDoNotHideTheMastersLineForGood() {
        AtomicLong now = new AtomicLong();
        RepeatedLine line = new RepeatedLine(LoggerFactory.getLogger("test.RepeatedLineManyAddressesTest"), now::get);
        int masterWritten = 0;
        for (int minute = 0; minute < 10; minute++) {
            now.set(minute * RepeatedLine.EVERY_NANOS);
            for (int a = 0; a < RepeatedLine.LINES_A_MINUTE; a++) {
                line.warn("2001:db8::" + Integer.toHexString(a + 1), "rejected user of 2001:db8::" + a);
            }
            now.addAndGet(1_000_000_000L);
            if (line.warn("192.0.2.10", "rejected user 'sync' of 192.0.2.10 (the master)")) {
                masterWritten++;
            }
        }
        assertThat(masterWritten).as("the master's lines written over 10 minutes").isPositive();
    }
}
