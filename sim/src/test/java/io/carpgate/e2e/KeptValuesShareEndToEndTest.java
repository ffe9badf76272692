package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.policy.Gate;
import io.carpgate.sim.SimulatedBackup;
import io.carpgate.xmlrpc.BackupReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-client share of the body budget (half of it) covered the bodies only: what the reader keeps of a call was
 * taken from the whole budget, and a restore keeps its tree while it waits for its turn in the call order (up to
 * upstream-timeout + 5 s). A client in allow-from that knows no password kept three restores in flight (one at the
 * backup, padded some 4 s for its wrong password, two waiting behind it), each carrying an array of empty values
 * under {@code virtualip} (16 body bytes, 194 kept bytes each): three bodies of ~0.6 MiB took all of a 16 MiB budget,
 * and every call of the master, even firmware_version, was answered 503. Now what is kept is charged to the same
 * client's share as its bodies.
 */
@EndToEnd
@Timeout(120)
class KeptValuesShareEndToEndTest {
    private static final long BUDGET = 16L << 20;

    @TempDir
    Path dir;
    Pair pair;

    @AfterEach
    void stop() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

    /** What the reader keeps of {@code body}, as Deciding charges it. */
    private static long kept(byte[] body) {
        AtomicLong taken = new AtomicLong();
        BackupReader.read(body, Gate.READS, bytes -> {
            taken.addAndGet(bytes);
            return true;
        });
        return taken.get();
    }

    private static byte[] restoreWithJunk(String fixture, int values, int pad) {
        String anchor = "<member><name>virtualip</name><value><struct>\n";
        StringBuilder junk = new StringBuilder(anchor).append("  <member><name>junk</name><value><array><data>");
        junk.append("<value>a</value>".repeat(values));
        junk.append("<value>").append("x".repeat(pad)).append("</value></data></array></value></member>\n");
        return fixture.replace(anchor, junk.toString()).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aClientWithoutThePasswordCannotTakeTheMastersHalfWithWhatCarpgateKeepsOfItsRestores() throws Exception {
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD).withApiCredentials(Pair.API_KEY, Pair.API_SECRET)
                .withAuthFailureDelay(SimulatedBackup.Options.REAL_AUTH_FAILURE_DELAY)); // 2 x 2 s a wrong password
        pair = Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(),
                "limits: {max-body: 8MiB, body-budget: 16MiB}\n", SyncEndToEndTest.MAP);
        String fixture = Files.readString(PythonMaster.fixtures().resolve("restore_config_section.request.xml"));
        byte[] firmware = Files.readAllBytes(PythonMaster.fixtures().resolve("firmware_version.request.xml"));

        // Three restores in flight: 3 bodies held, and 2 kept trees (the admitted one gives its tree back).
        // Sized so that less than the master's firmware_version body is left.
        int values = 1000;
        byte[] body = restoreWithJunk(fixture, values, 0);
        while (3L * body.length + 2 * kept(body) < BUDGET - 200_000 && values < 200_000) {
            values += 1000;
            body = restoreWithJunk(fixture, values, 0);
        }
        while (3L * body.length + 2 * kept(body) > BUDGET && values > 0) {
            values -= 10;
            body = restoreWithJunk(fixture, values, 0);
        }
        // Each pad char: 1 body byte (x3 bodies) and 2 kept bytes (x2 trees).
        int pad = (int) ((BUDGET - 3L * body.length - 2 * kept(body)) / 7);
        byte[] attack = restoreWithJunk(fixture, values, pad);
        for (int step = 0; step < 1_000 && 3L * attack.length + 2 * kept(attack) > BUDGET; step++) {
            pad -= 1; // a text read in several pieces costs a little more than 2 a char
            attack = restoreWithJunk(fixture, values, pad);
        }
        long left = BUDGET - 3L * attack.length - 2 * kept(attack);
        assertThat(left).as("budget left by the attack's arithmetic").isBetween(0L, (long) firmware.length - 1);

        String wrong = "Content-Type: text/xml\r\nAuthorization: " + RawHttps.basic(Pair.SYNC_USER, "guessed") + "\r\n";
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        List<Thread> attackers = new ArrayList<>();
        byte[] sent = attack;
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                for (int round = 0; round < 100 && !stop.get(); round++) {
                    try {
                        Loopback.request(Loopback.OTHER_HOST, pair.carpgate.port(), "POST /xmlrpc.php HTTP/1.1",
                                wrong, sent);
                        answered.incrementAndGet();
                    } catch (Exception e) {
                        // cut: again
                    }
                }
            }, "kept-tree-restore-" + i);
            t.setDaemon(true);
            t.start();
            attackers.add(t);
        }
        try {
            // The attack is in its steady state once the backup has answered one wrong-password restore.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= 1);
            int calls = 0;
            int refused = 0;
            String example = "";
            long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < until && calls < 2_000) {
                Loopback.Answer master = Loopback.firmware(Loopback.MASTER, pair.carpgate.port(), "/xmlrpc.php",
                        firmware);
                calls++;
                if (master.status() == 503) {
                    refused++;
                    example = master.text();
                }
            }
            assertThat(refused).as("of %d firmware_version calls of the master in 8 s, those answered 503 while a "
                    + "client without the password keeps 3 restores of %d bytes (%d kept each) in flight "
                    + "(its share of bodies: %d of %d); e.g.:\n%s", calls, attack.length, kept(attack),
                    3L * attack.length, BUDGET / 2, example).isZero();
        } finally {
            stop.set(true);
            for (Thread t : attackers) {
                t.join(30_000);
            }
        }
    }
}
