package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A method name is the client's text, and XML lets it hold a line end ({@code &#10;}, {@code &#13;}) and NEL, LINE
 * SEPARATOR and PARAGRAPH SEPARATOR as they are: none of them may start a forged line in access.log or on the console
 * (at debug, where every call's method is printed), whether the name is the call's or a system.multicall entry's.
 */
@EndToEnd
class LogLineForgeryEndToEndTest {
    /** What an attacker would like an admin to read as a request of its own. */
    private static final String FORGED = "203.0.113.9 - admin [01/Jan/2026:00:00:00 +0000] \"POST /forged HTTP/1.1\" 200 1"
            + " \"-\" \"-\" method=opnsense.firmware_version decision=forwarded ms=1";
    private static final List<String> LINE_ENDS = List.of("&#10;", "&#13;", "&#13;&#10;", "&#x85;", "\u0085",
            "&#x2028;", "\u2028", "&#x2029;", "\u2029");

    @TempDir
    Path dir;

    private static String call(String methodName) {
        return "<?xml version=\"1.0\"?><methodCall><methodName>" + methodName + "</methodName><params></params></methodCall>";
    }

    private static String multicall(String methodName) {
        return "<?xml version=\"1.0\"?><methodCall><methodName>system.multicall</methodName><params><param><value><array>"
                + "<data><value><struct><member><name>methodName</name><value><string>" + methodName
                + "</string></value></member><member><name>params</name><value><array><data></data></array></value>"
                + "</member></struct></value></data></array></value></param></params></methodCall>";
    }

    @Test
    void noMethodNameForgesALineInTheAccessLogOrOnTheConsole() throws Exception {
        PrintStream originalOut = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        String access;
        String decisions;
        int sent = 0;
        try (Pair pair = Pair.start(dir, "logs: {dir: logs, level: debug}\n", null)) {
            RawHttps http = new RawHttps(); // one client: its kept connection, not one per call (the per-client limit)
            for (String end : LINE_ENDS) {
                for (String body : List.of(call("opnsense.firmware_version" + end + FORGED),
                        multicall("opnsense.firmware_version" + end + FORGED))) {
                    RawHttps.Answer answer = http.post(pair.carpgate("/xmlrpc.php"),
                            RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD), body.getBytes(StandardCharsets.UTF_8));
                    assertThat(answer.status()).isEqualTo(200);
                    sent++;
                }
            }
            int expected = sent;
            // The recorder is the last listener: once it has every record, every access-log line is written.
            pair.exchanges.await("every call", r -> pair.exchanges.records().size() >= expected);
            access = pair.log("access.log");
            decisions = pair.log("decisions.jsonl");
        } finally {
            io.carpgate.observe.LogSetup.level(io.carpgate.config.LogSettings.Level.INFO);
            System.setOut(originalOut);
        }
        String console = printed.toString(StandardCharsets.UTF_8);

        List<String> lines = Arrays.asList(access.split("\n"));
        assertThat(lines).as("one line per request").hasSize(sent)
                .allSatisfy(line -> assertThat(line).startsWith("127.0.0.1 - root [")
                        .containsPattern("method=opnsense\\.firmware_version\\?{1,2}203\\.0\\.113\\.9\\?-\\?admin\\?\\["));
        assertThat(console).as("the debug lines with the methods were written, and checked")
                .containsPattern("opnsense\\.firmware_version\\?{1,2}203\\.0\\.113\\.9 - admin");
        assertThat(decisions).as("the decision log names the methods too").contains("firmware_version");
        for (String text : List.of(access, console, decisions)) {
            assertThat(text).doesNotContain("\r", "\u0085", "\u2028", "\u2029");
            assertThat(text.split("\n")).noneMatch(line -> line.startsWith("203.0.113.9"));
        }
    }
}
