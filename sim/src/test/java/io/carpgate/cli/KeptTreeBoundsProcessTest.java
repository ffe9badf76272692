package io.carpgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.e2e.EndToEnd;
import io.carpgate.sim.ReceivedCall;
import io.carpgate.sim.SimulatedBackup;
import io.carpgate.tls.NoVerification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call the gate reads whole (any method but a restore) whose tree of values is several times its body:
 * {@code opnsense.firmware_version} with one array of millions of one-char values. Under max-body and the body
 * budget, it once took the whole default heap ({@code -Xmx256m -XX:+ExitOnOutOfMemoryError}) and ended the
 * process; so did three 16 MB ones at once. What the reader keeps is now charged to {@code limits.body-budget}
 * with the bodies: each is answered (503, or a fault), none is taken for delivered without reaching the backup,
 * and the process stays up for the next call.
 */
@EndToEnd
@Timeout(300)
class KeptTreeBoundsProcessTest {

    @TempDir
    Path dir;

    /** firmware_version with one array of {@code values} untyped one-char values: 16 bytes each, 171 around them. */
    static byte[] firmwareArray(int values) {
        byte[] head = ("<?xml version=\"1.0\"?><methodCall><methodName>opnsense.firmware_version</methodName>"
                + "<params><param><value><array><data>").getBytes(StandardCharsets.UTF_8);
        byte[] item = "<value>v</value>".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "</data></array></value></param></params></methodCall>".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + values * item.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        for (int i = 0; i < values; i++) {
            System.arraycopy(item, 0, body, head.length + i * item.length, item.length);
        }
        System.arraycopy(tail, 0, body, body.length - tail.length, tail.length);
        return body;
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().sslContext(NoVerification.sslContext())
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static CompletableFuture<HttpResponse<String>> post(URI uri, byte[] body) {
        String auth = "Basic " + Base64.getEncoder().encodeToString("root:pw".getBytes(StandardCharsets.UTF_8));
        return CLIENT.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120)).header("Authorization", auth)
                .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void callsWhoseKeptTreeOutweighsTheHeapAreAnsweredAndTheProcessStaysUp() throws Exception {
        try (SimulatedBackup backup = CarpgateProcess.backupForLargeBodies()) {
            Path config = CarpgateProcess.configFor(dir, backup, "");
            Path console = dir.resolve("console.txt");
            Process process = CarpgateProcess.run(List.of(), List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
                    config, console);
            try {
                int port = Integer.parseInt(CarpgateProcess.await(console, CarpgateProcess.PORT, Duration.ofSeconds(60)).group(1));
                URI uri = URI.create("https://127.0.0.1:" + port + "/xmlrpc.php");

                byte[] huge = firmwareArray(3_000_000);
                assertThat(huge).hasSize(48_000_171);
                assertAnsweredTruly(backup, huge, answer(post(uri, huge), console));
                assertThat(process.isAlive()).as("carpgate still running:\n" + CarpgateProcess.read(console)).isTrue();

                byte[] large = firmwareArray(1_000_000);
                List<CompletableFuture<HttpResponse<String>>> atOnce = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    atOnce.add(post(uri, large));
                }
                for (CompletableFuture<HttpResponse<String>> answer : atOnce) {
                    assertAnsweredTruly(backup, large, answer(answer, console));
                }

                assertThat(process.isAlive()).as("carpgate still running:\n" + CarpgateProcess.read(console)).isTrue();
                assertThat(CarpgateProcess.firmware(uri)).isEqualTo(200);
                assertThat(CarpgateProcess.read(console)).doesNotContain("OutOfMemoryError");
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    /** The answer, or a failure that shows carpgate's console (an ended process says why there). */
    private static HttpResponse<String> answer(CompletableFuture<HttpResponse<String>> sent, Path console)
            throws Exception {
        try {
            return sent.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("no answer (" + e.getCause() + "); carpgate's console:\n"
                    + CarpgateProcess.read(console), e);
        }
    }

    /** 503 with Retry-After, or a fault; a plain success only if the backup did get this body. */
    private static void assertAnsweredTruly(SimulatedBackup backup, byte[] body, HttpResponse<String> answer) {
        System.out.println("KeptTreeBoundsProcessTest: a body of " + body.length + " bytes: HTTP " + answer.statusCode()
                + (answer.body().contains("<fault>") ? ", a fault" : ""));
        if (answer.statusCode() == 503) {
            assertThat(answer.headers().firstValue("Retry-After")).isPresent();
            assertThat(answer.body()).contains("nothing was sent to the backup", "limits.body-budget");
            return;
        }
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        if (!answer.body().contains("<fault>")) {
            assertThat(backup.received()).as("a success the backup answered")
                    .anyMatch(call -> call.body().length == body.length && sameMethod(call));
        }
    }

    private static boolean sameMethod(ReceivedCall call) {
        return call.methodName().filter("opnsense.firmware_version"::equals).isPresent();
    }
}
