package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
 * limits.body-budget was one pool for every client. A client inside allow-from, with no password at all, that sent two
 * bodies of max-body less one byte and then stopped held the whole default budget (-Xmx256m: 128 MiB = 2 x the 64 MiB
 * max-body) for limits.request-read-timeout (120 s), and could do it again at once; meanwhile every call of the master,
 * even firmware_version, was answered 503. Now one address holds at most half the budget (never less than max-body).
 * Scaled here to max-body 8 MiB and body-budget 16 MiB, the same ratio.
 */
@EndToEnd
@Timeout(120)
class BodyBudgetShareEndToEndTest {
    @TempDir
    Path dir;
    Pair pair;

    @AfterEach
    void stop() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

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
