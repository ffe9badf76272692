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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16, rows 5 and 6, on {@code carpgate run} as its own process with bin/carpgate's heap (-Xmx256m,
 * -XX:+ExitOnOutOfMemoryError): a 20 MiB call while the warm-up runs, a max-body restore whose bulk is one
 * string, two 40 MiB restores at once. Each is answered and the process stays up. Its GC log gives the heap
 * these took (printed, for the heap rule in docs/drafts/bounds-memory.md).
 */
@EndToEnd
@Timeout(300)
class HeapBoundsProcessTest {
    private static final int MIB = 1 << 20;
    private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    @TempDir
    Path dir;

    /** A restore whose bulk is one string of {@code bulk} bytes in {@code section}. */
    static byte[] restore(String section, int bulk) {
        byte[] head = ("<?xml version=\"1.0\"?>\n<methodCall><methodName>opnsense.restore_config_section</methodName>"
                + "<params><param><value><struct><member><name>" + section + "</name><value><string>")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = "</string></value></member></struct></value></param></params></methodCall>"
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + bulk + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        Arrays.fill(body, head.length, head.length + bulk, (byte) 'x');
        System.arraycopy(tail, 0, body, head.length + bulk, tail.length);
        return body;
    }

    static byte[] firmwareWith(int bulk) {
        String head = "<?xml version=\"1.0\"?><methodCall><methodName>opnsense.firmware_version</methodName><params>"
                + "<param><value><string>";
        String tail = "</string></value></param></params></methodCall>";
        return (head + "y".repeat(bulk) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().sslContext(NoVerification.sslContext())
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static CompletableFuture<HttpResponse<String>> post(URI uri, byte[] body) {
        String auth = "Basic " + Base64.getEncoder().encodeToString("root:pw".getBytes(StandardCharsets.UTF_8));
        return CLIENT.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120)).header("Authorization", auth)
                .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A POST over TLS from {@code local} (any 127/8 address on Linux): the answer's status. */
    private static int postFrom(String local, int port, byte[] body) {
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) NoVerification.sslContext().getSocketFactory()
                .createSocket(java.net.InetAddress.getLoopbackAddress(), port, java.net.InetAddress.getByName(local), 0)) {
            socket.setSoTimeout(120_000);
            String auth = Base64.getEncoder().encodeToString("root:pw".getBytes(StandardCharsets.UTF_8));
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\nContent-Type: text/xml\r\nAuthorization: Basic "
                    + auth + "\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void maximalRestoresOfAnyShapeAreAnsweredWithinTheDefaultHeap() throws Exception {
        try (SimulatedBackup backup = CarpgateProcess.backupForLargeBodies()) {
            Path config = CarpgateProcess.configFor(dir, backup, "admin: {enabled: false}\n");
            Path console = dir.resolve("console.txt");
            Process process = CarpgateProcess.run(List.of(), List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                    "-Xlog:gc:file=" + dir.resolve("gc.log")), config, console);
            try {
                int port = Integer.parseInt(CarpgateProcess.await(console, CarpgateProcess.PORT, Duration.ofSeconds(60)).group(1));
                URI uri = URI.create("https://127.0.0.1:" + port + "/xmlrpc.php");

                // Row 6: at once after it listens, while the warm-up's background rounds run.
                HttpResponse<String> early = post(uri, firmwareWith(20 * MIB)).get(120, TimeUnit.SECONDS);
                assertThat(early.statusCode()).isEqualTo(200);
                assertThat(early.body()).contains("longer than 1048576 chars");
                HttpResponse<String> earlyRestore = post(uri, restore("filter", 20 * MIB)).get(120, TimeUnit.SECONDS);
                assertThat(earlyRestore.statusCode()).as(earlyRestore.body()).isEqualTo(200);
                assertThat(process.isAlive()).isTrue();

                // Row 5: one max-body restore whose bulk is a single string; then two of 40 MiB at once.
                HttpResponse<String> one = post(uri, restore("filter", 64 * MIB - 1024)).get(120, TimeUnit.SECONDS);
                assertThat(one.statusCode()).isEqualTo(200);
                assertThat(one.body()).doesNotContain("nothing was sent to the backup");
                // From two addresses, as two masters would: one address holds at most half the body budget.
                CompletableFuture<HttpResponse<String>> a = post(uri, restore("filter", 40 * MIB));
                CompletableFuture<Integer> b = CompletableFuture.supplyAsync(
                        () -> postFrom("127.0.0.2", port, restore("aliases", 40 * MIB)));
                assertThat(a.get(120, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                assertThat(b.get(120, TimeUnit.SECONDS)).isEqualTo(200);

                assertThat(process.isAlive()).as("carpgate still running:\n" + CarpgateProcess.read(console)).isTrue();
                assertThat(CarpgateProcess.firmware(uri)).isEqualTo(200);
                assertThat(CarpgateProcess.read(console)).doesNotContain("OutOfMemoryError");
                report(dir.resolve("gc.log"));
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    /** The measurement: the most heap in use before a collection, and the most still live after one. */
    private static void report(Path gcLog) throws Exception {
        long before = 0;
        long after = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC.matcher(line);
            if (m.find()) {
                before = Math.max(before, Long.parseLong(m.group(1)));
                after = Math.max(after, Long.parseLong(m.group(2)));
            }
        }
        System.out.println("HeapBoundsProcessTest: -Xmx256m, peak heap in use before a GC " + before
                + " MiB, peak live after a GC " + after + " MiB");
        assertThat(before).as("a GC log was written").isPositive();
    }
}
