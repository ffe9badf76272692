package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16, rows 1 and 4 and the body budget: bodies cost a buffer as their bytes arrive, never a thread and
 * never what Content-Length announces; past limits.body-budget, or past one address's share of it, a request is
 * answered 503, nothing sent.
 */
@EndToEnd
@Timeout(120)
class BodyBoundsEndToEndTest {
    static final String AUTH = RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD);
    static final RawHttps HTTP = new RawHttps();

    @TempDir
    Path dir;
    Pair pair;

    @AfterEach
    void stop() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

    private static String headers(long contentLength) {
        return "POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\nContent-Type: text/xml\r\nAuthorization: " + AUTH
                + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    private byte[] firmware() throws Exception {
        return Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
    }

    private void mastersCallIsServed() throws Exception {
        long start = System.nanoTime();
        RawHttps.Answer answer = HTTP.post(pair.carpgate("/xmlrpc.php"), AUTH, firmware());
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).contains("firmware");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds for the master's call").isLessThan(15);
    }

    /**
     * Row 4: more stalled bodies than the 64 request threads; each holds a buffer, none a thread. All come from one
     * address here, so the per-client connection and call caps are raised above their number.
     */
    @Test
    void stalledBodiesHoldNoThreadSoTheMasterIsStillServed() throws Exception {
        pair = Pair.start(dir, "limits: {request-read-timeout: 100s, client-idle-timeout: 100s, "
                + "max-connections-per-client: 100, max-calls-per-client: 100}\n", SyncEndToEndTest.MAP);
        List<RawTls> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 70; i++) {
                stalled.add(new RawTls(pair.carpgate.port(), 10_000).send(headers(1000) + "<?xml"));
            }
            mastersCallIsServed();
            // Each still open, still waiting for its body: none was given up to make room.
            for (RawTls connection : stalled.subList(0, 5)) {
                assertThat(SlowClientsEndToEndTest.trickle(connection, ' ')).isTrue();
            }
        } finally {
            for (RawTls connection : stalled) {
                connection.close();
            }
        }
        mastersCallIsServed();
    }

    /** Row 1: an announced Content-Length reserves nothing; more announced than the whole heap is harmless. */
    @Test
    void announcedLengthsAllocateNothing() throws Exception {
        // The largest max-body there is, so that a few announced bodies outweigh this JVM's whole heap.
        pair = Pair.start(dir, "limits: {max-body: 2047MiB, request-read-timeout: 100s, client-idle-timeout: 100s, "
                + "max-connections-per-client: 100, max-calls-per-client: 100}\n",
                SyncEndToEndTest.MAP);
        long announced = 2047L << 20;
        int connections = (int) Math.min(40, Runtime.getRuntime().maxMemory() / announced + 2);
        List<RawTls> silent = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                silent.add(new RawTls(pair.carpgate.port(), 10_000).send(headers(announced)));
            }
            mastersCallIsServed();
        } finally {
            for (RawTls connection : silent) {
                connection.close();
            }
        }
        assertThat((long) connections * announced).as("announced in all").isGreaterThan(Runtime.getRuntime().maxMemory());
        mastersCallIsServed();
    }

    /**
     * limits.body-budget: while one body holds most of it, another that does not fit is answered 503 with
     * Retry-After, nothing sent; once the first is gone its share is back and the same call passes.
     */
    @Test
    void aBodyThatDoesNotFitTheBudgetIsRejectedWith503AndTheShareComesBack() throws Exception {
        pair = Pair.start(dir, "limits: {max-body: 1MiB, body-budget: 1MiB}\n", SyncEndToEndTest.MAP);
        byte[] firmware = firmware();
        // Padding the master's call with trailing white space (allowed after the root) to 600 KiB.
        byte[] big = new byte[600 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        System.arraycopy(firmware, 0, big, 0, firmware.length);
        try (RawTls holder = new RawTls(pair.carpgate.port(), 10_000)) {
            holder.send(headers(1024 * 1024));
            holder.send(java.util.Arrays.copyOf(big, 700 * 1024 - 1)); // held: 700 KiB of the 1 MiB budget
            pair.backup.reset();
            // carpgate answers 503 and closes as soon as the body outgrows the budget, while the rest of it may still
            // be on its way: the send can then break, and the answer be lost to the reset. Such a try is repeated.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).ignoreExceptions()
                    .untilAsserted(() -> {
                try (RawTls refused = new RawTls(pair.carpgate.port(), 10_000)) {
                    try {
                        refused.send(headers(big.length)).send(big);
                    } catch (java.io.IOException cutOff) {
                        // the answer may already be there: read it
                    }
                    String answer = refused.readAll();
                    assertThat(answer).startsWith("HTTP/1.1 503").contains("Retry-After: 5")
                            .contains("nothing was sent to the backup").contains("limits.body-budget");
                }
            });
            assertThat(pair.xmlrpcCalls()).isEmpty();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() -> {
            RawHttps.Answer answer = HTTP.post(pair.carpgate("/xmlrpc.php"), AUTH, big);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("firmware");
        });
    }

    /**
     * limits.body-budget was one pool for every client. A client inside allow-from, with no password at all, that sent two
     * bodies of max-body less one byte and then stopped held the whole default budget (-Xmx256m: 128 MiB = 2 x the 64 MiB
     * max-body) for limits.request-read-timeout (120 s), and could do it again at once; meanwhile every call of the master,
     * even firmware_version, was answered 503. Now one address holds at most half the budget (never less than max-body).
     * Scaled here to max-body 8 MiB and body-budget 16 MiB, the same ratio.
     */
    @Test
    void aClientWithoutThePasswordCannotTakeTheMastersShareOfTheBodyBudget() throws Exception {
        pair = Pair.start(dir, "limits: {max-body: 8MiB, body-budget: 16MiB, request-read-timeout: 100s, "
                + "client-idle-timeout: 100s}\n", SyncEndToEndTest.MAP);
        int maxBody = 8 << 20;
        byte[] almost = new byte[maxBody - 1];
        Arrays.fill(almost, (byte) ' ');
        byte[] firmware = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));
        String head = "POST /xmlrpc.php HTTP/1.1\r\nHost: carpgate\r\nContent-Type: text/xml\r\nContent-Length: "
                + maxBody + "\r\n\r\n";
        List<RawTls> held = new ArrayList<>();
        try {
            // No Authorization header: this client knows no password, only its address is allowed.
            RawTls first = new RawTls(Loopback.OTHER_HOST, pair.carpgate.port(), 10_000);
            held.add(first);
            first.send(head).send(almost);
            RawTls second = new RawTls(Loopback.OTHER_HOST, pair.carpgate.port(), 10_000);
            held.add(second);
            String refused;
            try {
                second.send(head).send(almost);
            } catch (java.io.IOException e) {
                // carpgate answered and closed while the body was still going out: its answer is read below
            }
            refused = second.readAll();
            assertThat(refused).as("the second stalled body of one address: over its share").startsWith(
                    "HTTP/1.1 503").contains("Retry-After: 5", "as much as one client address may");

            Loopback.Answer master = Loopback.firmware(Loopback.MASTER, pair.carpgate.port(), "/xmlrpc.php", firmware);
            assertThat(master.status()).as("the master's firmware_version while a client without the password holds "
                    + "a stalled body of max-body; answer:\n%s", master.text()).isEqualTo(200);
        } finally {
            for (RawTls connection : held) {
                connection.close();
            }
        }
    }
}
