package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.e2e.EndToEnd;
import io.carpgate.sim.SimulatedBackup;
import io.carpgate.tls.NoVerification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Markup carpgate never keeps, which Woodstox would build whole in its buffers (a comment, a processing
 * instruction, a DOCTYPE's internal subset, a name in a tag, an entity reference): one body of 60 MiB, under
 * max-body, from an allowed client with a wrong password (the body is read and decided before the backup checks
 * the password), once took {@code carpgate run} with bin/carpgate's heap (-Xmx256m -XX:+ExitOnOutOfMemoryError)
 * to OutOfMemoryError and ended it. The reader's pre-scan now rejects each before Woodstox reads it: a fault that
 * names the bound, nothing sent to the backup, the process up, and the next call answered as ever.
 */
@EndToEnd
@Timeout(300)
class MarkupBoundsProcessTest {
    private static final int MIB = 1 << 20;
    private static final String PRE = "<?xml version=\"1.0\"?><methodCall><methodName>opnsense.firmware_version"
            + "</methodName><params><param><value>";
    private static final String POST = "</value></param></params></methodCall>";

    private static final HttpClient CLIENT = HttpClient.newBuilder().sslContext(NoVerification.sslContext())
            .connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    /** {@code bulk} bytes of 'x' between {@code head} and {@code tail}. */
    private static byte[] body(String head, int bulk, String tail) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[h.length + bulk + t.length];
        System.arraycopy(h, 0, body, 0, h.length);
        Arrays.fill(body, h.length, h.length + bulk, (byte) 'x');
        System.arraycopy(t, 0, body, h.length + bulk, t.length);
        return body;
    }

    private static byte[] shape(String shape, int bulk) {
        return switch (shape) {
            case "comment" -> body(PRE + "<!--", bulk, "-->" + POST);
            case "pi" -> body(PRE + "<?pi ", bulk, "?>" + POST);
            case "doctype" -> body("<!DOCTYPE methodCall [<!--", bulk, "-->]>" + PRE + POST);
            case "element-name" -> body(PRE + "<a", bulk, "/>" + POST);
            case "attribute-name" -> body(PRE + "<string a", bulk, "='1'></string>" + POST);
            case "entity-reference" -> body(PRE + "<string>&", bulk, ";</string>" + POST);
            default -> throw new IllegalArgumentException(shape);
        };
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "comment          | comment longer than 4096 bytes",
        "pi               | processing instruction longer than 4096 bytes",
        "doctype          | DOCTYPE not accepted",
        "element-name     | name in a tag longer than 1024 bytes",
        "attribute-name   | name in a tag longer than 1024 bytes",
        "entity-reference | entity or character reference longer than 1024 bytes",
    })
    void hugeMarkupNobodyKeepsIsRefusedAndTheProcessStaysUp(String shape, String reason) throws Exception {
        try (SimulatedBackup backup = CarpgateProcess.backupForLargeBodies()) {
            Path config = CarpgateProcess.configFor(dir, backup, "admin: {enabled: false}\n");
            Path console = dir.resolve("console.txt");
            Process process = CarpgateProcess.run(List.of(), List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
                    config, console);
            try {
                int port = Integer.parseInt(CarpgateProcess.await(console, CarpgateProcess.PORT, Duration.ofSeconds(60)).group(1));
                URI uri = URI.create("https://127.0.0.1:" + port + "/xmlrpc.php");
                byte[] body = shape(shape, 60 * MIB);
                String auth = "Basic " + Base64.getEncoder().encodeToString("root:wrong".getBytes(StandardCharsets.UTF_8));
                HttpResponse<String> answer;
                try {
                    answer = CLIENT.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
                            .header("Authorization", auth).header("Content-Type", "text/xml")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofString()).get(150, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError(shape + ": no answer (" + e.getCause() + "); process alive="
                            + process.isAlive() + "; console:\n" + tail(CarpgateProcess.read(console)), e);
                }
                System.out.println("MarkupBoundsProcessTest " + shape + ": a body of " + body.length + " bytes: HTTP "
                        + answer.statusCode());

                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains("<fault>", reason).doesNotContain("xxxxxxxx");
                assertThat(backup.received()).as("nothing of it was sent to the backup")
                        .noneMatch(call -> call.body().length == body.length);
                assertThat(process.isAlive()).as(shape + ": carpgate still running:\n"
                        + tail(CarpgateProcess.read(console))).isTrue();
                assertThat(CarpgateProcess.firmware(uri)).as("the next call").isEqualTo(200);
                assertThat(CarpgateProcess.read(console)).doesNotContain("OutOfMemoryError");
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    private static String tail(String text) {
        return text.length() <= 3000 ? text : text.substring(text.length() - 3000);
    }
}
