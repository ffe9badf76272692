package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.sim.SimulatedBackup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore takes the pair's whole turn (the call order: it waits for every call before it, and every call after it
 * waits for its answer), whoever sends it. A client inside allow-from that knows no password sends restores with a
 * wrong one: the backup answers each "Authentication failed" only after padding the failure (docs/PROTOCOL.md: about
 * 2 s a backend, some 4 s), so 16 connections (one address's share) queued 64 s of turns, more than the master's own
 * 60 s timeout: the master's restore was answered too late or refused "try again". Now one address has at most
 * limits.max-calls-per-client (4) calls in a pair's path at once; the rest are answered 503 at once, holding nothing.
 * Scaled to a quarter: 0.5 s a backend's failure, an 8 s upstream timeout (13 s turn wait), the attacker's 16
 * connections, a master that must be served within 15 s.
 */
@EndToEnd
@Timeout(120)
class RestoresWithoutPasswordEndToEndTest {
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
    void restoresWithAWrongPasswordDoNotLockTheMasterOutOfItsRestore() throws Exception {
        SimulatedBackup backup = SimulatedBackup.start(SimulatedBackup.Options.defaults()
                .withXmlRpcCredentials(Pair.SYNC_USER, Pair.SYNC_PASSWORD).withApiCredentials(Pair.API_KEY, Pair.API_SECRET)
                .withAuthFailureDelay(Duration.ofMillis(500)));
        pair = Pair.start(dir, backup, backup.baseUrl(), backup.fingerprint().toString(),
                "limits: {upstream-timeout: 8s}\n", SyncEndToEndTest.MAP);
        byte[] restore = Files.readAllBytes(PythonMaster.fixtures().resolve("restore_config_section.request.xml"));
        String wrong = "Content-Type: text/xml\r\nAuthorization: " + RawHttps.basic(Pair.SYNC_USER, "guessed") + "\r\n";
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Thread> attackers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Thread t = new Thread(() -> {
                for (int round = 0; round < 200 && !stop.get(); round++) {
                    try {
                        Loopback.Answer a = Loopback.request(Loopback.OTHER_HOST, pair.carpgate.port(),
                                "POST /xmlrpc.php HTTP/1.1", wrong, restore);
                        sent.incrementAndGet();
                        if (a.status() == 503) {
                            refused.incrementAndGet();
                        }
                    } catch (Exception e) {
                        // refused or cut: try again
                    }
                }
            }, "no-password-restore-" + i);
            t.setDaemon(true);
            t.start();
            attackers.add(t);
        }
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= 2);
            long start = System.nanoTime();
            Loopback.Answer master = Loopback.request(Loopback.MASTER, pair.carpgate.port(), "POST /xmlrpc.php HTTP/1.1",
                    "Content-Type: text/xml\r\nAuthorization: " + RawHttps.basic(Pair.SYNC_USER, Pair.SYNC_PASSWORD)
                            + "\r\n", restore);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(seconds).as("seconds the master's restore took (its own timeout, scaled: 15 s)").isLessThan(15);
            assertThat(master.text()).as("the master's restore (after %.1f s) while a client without the password sends "
                    + "restores; %d of them answered so far", seconds, sent.get()).doesNotContain("faultCode");
            assertThat(refused.get()).as("the attacker's calls beyond its four, answered 503 at once").isPositive();
        } finally {
            stop.set(true);
            for (Thread t : attackers) {
                t.join(30_000);
            }
        }
    }
}
