package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.policy.Action;
import io.carpgate.policy.CallOutcome;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A text a client chose (a method name, a header) never ends a line of a text log nor starts another. */
class LogLinesTest {
    /** Every char that ends a line somewhere: in logback's file, a terminal, an editor, {@code str.splitlines()}. */
    private static final List<String> LINE_ENDS = List.of("\n", "\r", "\u000b", "\u000c", "\u001c", "\u0085", "\u2028",
            "\u2029");

    private static CallOutcome call(String method) {
        return new CallOutcome(method, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Action.FORWARDED, "not gated");
    }

    private static ExchangeRecord record(List<CallOutcome> calls, String userAgent) {
        return new ExchangeRecord("0123456789ab", ZonedDateTime.now(), "p", "127.0.0.1", Optional.of("root"),
                "POST /xmlrpc.php HTTP/1.1", 200, 1, 1, Duration.ZERO, calls, false, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(userAgent), Optional.empty());
    }

    @Test
    void aMethodNameOrAHeaderWithALineEndStaysOnItsLine() {
        for (String end : LINE_ENDS) {
            String forged = "opnsense.firmware_version" + end + "203.0.113.9 - admin [x] \"POST /forged HTTP/1.1\" 200";
            String line = AccessLog.line(record(List.of(call("system.listMethods"), call(forged)), "XML_RPC" + end + "x"));
            assertThat(line.split("\\R|[\\u000b\\u000c\\u001c]", -1)).as("U+%04X", (int) end.charAt(0)).hasSize(1);
            assertThat(line).contains(" method=system.listMethods+opnsense.firmware_version?203.0.113.9?-?admin?[x]?"
                    + "\"POST?/forged?HTTP/1.1\"?200 decision=", "\"XML_RPC?x\"");
        }
    }

    @Test
    void aMethodNameCannotEndItsFieldEither() {
        assertThat(record(List.of(call("a decision=forwarded\tb\u00e9")), "-").methodSummary())
                .isEqualTo("a?decision=forwarded?b?");
    }

    @Test
    void theMethodsOfAMulticallAreSummedUpInABoundedField() {
        List<CallOutcome> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            calls.add(call("m" + i + "x".repeat(1000)));
        }
        String summary = record(calls, "-").methodSummary();
        assertThat(summary).startsWith("m0xxx").endsWith("+(19992-more)");
        assertThat(summary.split("\\+m")).hasSize(ExchangeRecord.SUMMARY_NAMES);
        assertThat(summary.length()).isLessThan(ExchangeRecord.SUMMARY_NAMES * 300);
        assertThat(AccessLog.line(record(calls, "-")).length()).isLessThan(4 * 1024);

        List<CallOutcome> few = List.of(call("opnsense.firmware_version"), call("opnsense.restart_service"),
                call("opnsense.restart_service"), call("opnsense.filter_configure"));
        assertThat(record(few, "-").methodSummary())
                .isEqualTo("opnsense.firmware_version+opnsense.restart_service+opnsense.filter_configure");
    }

    @Test
    void aTokenIsPrintableAsciiAndALineKeepsEverythingButWhatBreaksOrReordersIt() {
        assertThat(LogText.token("r\u00f6ot x\u2028")).isEqualTo("r?ot?x?");
        assertThat(LogText.oneLine("wg0 \u2192 caf\u00e9\u2026\n\u0085\u2028\u2029\u202e\u0000\u007f"))
                .isEqualTo("wg0 \u2192 caf\u00e9\u2026???????");
    }
}
