package io.carpgate.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carpgate.e2e.EndToEnd;
import io.carpgate.tls.Fingerprint;
import io.carpgate.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The warm-up against its own carpgate and stand-in backup, over real TLS on loopback: every call answered as
 * the gate must answer it (a restore rewritten to the stand-in's VIPs, a restart suppressed for a BACKUP VHID,
 * forwarded for a MASTER one), the first rounds done before the listener opens and the rest only after it, nothing
 * logged, and nothing left behind: no thread, no folder.
 */
@EndToEnd
class WarmupTest {
    @TempDir
    Path dir;

    @Test
    void everyCallIsAnsweredAsTheGateMustAndNothingIsLoggedOrLeftBehind() throws Exception {
        Path cert = dir.resolve("carpgate.crt");
        Path key = dir.resolve("carpgate.key");
        Fingerprint fingerprint = PemFiles.writeSelfSigned(cert, key, "carpgate", List.of("127.0.0.1"));
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        List<Path> foldersBefore = warmupFolders();
        java.util.Set<Thread> threadsBefore = io.carpgate.testkit.NewThreads.now();
        AtomicReference<Warmup.Result> result = new AtomicReference<>();
        try {
            Warmup.Running running = Warmup.start(PemFiles.loadKeyStore(cert, key), PemFiles.keyStorePassword(),
                    fingerprint, new Warmup.Plan(2, Duration.ofSeconds(60), 3, Duration.ofSeconds(120), Duration.ZERO),
                    new io.carpgate.observe.ExchangeActivity(), result::set);
            running.awaitBefore();
            assertThat(running.calls()).as("the first rounds are done, and no background round has begun")
                    .isEqualTo(2 * WarmupCalls.all().size());
            assertThat(result.get()).as("the rest wait for the listener").isNull();
            running.listening();
            Awaitility.await("the warm-up's report").atMost(Duration.ofSeconds(120)).until(() -> result.get() != null);
        } finally {
            root.detachAppender(logged);
        }

        assertThat(result.get().problem()).isEmpty();
        assertThat(result.get().calls()).isEqualTo(5 * WarmupCalls.all().size());
        assertThat(result.get().describe()).startsWith("warm-up: 20 calls over loopback").endsWith("(no backup contacted)");
        assertThat(logged.list).as("the warm-up's own carpgate logs nothing (it would read as the real one)")
                .noneMatch(e -> e.getLoggerName().startsWith("io.carpgate."));
        Awaitility.await("the warm-up's threads end").pollInSameThread().atMost(Duration.ofSeconds(30))
                .until(() -> io.carpgate.testkit.NewThreads.since(threadsBefore), List::isEmpty);
        assertThat(warmupFolders()).as("its temporary folder is gone").isEqualTo(foldersBefore);
    }

    /**
     * A warm-up whose own carpgate cannot start (a key store without a key) lets the listener open at once, not after
     * {@code beforeAtMost}, and says why.
     */
    @Test
    void aRigThatCannotStartHoldsNothingUp() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        Fingerprint any = PemFiles.writeSelfSigned(dir.resolve("c.crt"), dir.resolve("c.key"), "carpgate", List.of());
        AtomicReference<Warmup.Result> result = new AtomicReference<>();
        Warmup.Running running = Warmup.start(empty, PemFiles.keyStorePassword(), any,
                new Warmup.Plan(1, Duration.ofSeconds(600), 3, Duration.ofSeconds(600), Duration.ZERO),
                new io.carpgate.observe.ExchangeActivity(), result::set);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), running::awaitBefore,
                "the listener waited for a warm-up that had failed");
        running.listening();
        Awaitility.await("the warm-up's report").atMost(Duration.ofSeconds(60)).until(() -> result.get() != null);
        assertThat(result.get().calls()).isZero();
        assertThat(result.get().problem()).isPresent();
    }

    @Test
    void aFailedCallIsReported() throws Exception {
        Path cert = dir.resolve("carpgate.crt");
        Path key = dir.resolve("carpgate.key");
        PemFiles.writeSelfSigned(cert, key, "carpgate", List.of("127.0.0.1"));
        // Pinned to another certificate: the warm-up's proxy refuses the stand-in, as carpgate refuses a wrong backup.
        Fingerprint other = PemFiles.writeSelfSigned(dir.resolve("o.crt"), dir.resolve("o.key"), "other", List.of());
        AtomicReference<Warmup.Result> result = new AtomicReference<>();
        Warmup.start(PemFiles.loadKeyStore(cert, key), PemFiles.keyStorePassword(), other,
                new Warmup.Plan(1, Duration.ofSeconds(60), 5, Duration.ofSeconds(120), Duration.ZERO),
                new io.carpgate.observe.ExchangeActivity(), result::set).listening();
        Awaitility.await("the warm-up's report").atMost(Duration.ofSeconds(60)).until(() -> result.get() != null);
        assertThat(result.get().problem()).hasValueSatisfying(p -> assertThat(p).contains("not answered as expected"));
        assertThat(result.get().describe()).contains("; stopped: ");
    }

    /**
     * A master syncing while the background rounds are due: they wait until its exchanges have stopped for the plan's
     * stand-aside time, then all of them run. Without standing aside the rounds end long before the master does.
     */
    @Test
    void theBackgroundRoundsStandAsideWhileAMasterSyncs() throws Exception {
        Path cert = dir.resolve("carpgate.crt");
        Path key = dir.resolve("carpgate.key");
        Fingerprint fingerprint = PemFiles.writeSelfSigned(cert, key, "carpgate", List.of("127.0.0.1"));
        io.carpgate.observe.ExchangeActivity activity = new io.carpgate.observe.ExchangeActivity();
        AtomicReference<Warmup.Result> result = new AtomicReference<>();
        // The master: an exchange each 100 ms for 3 s.
        Thread master = new Thread(() -> {
            for (int i = 0; i < 30; i++) {
                activity.seen();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long begun = System.nanoTime();
        master.start();
        Warmup.start(PemFiles.loadKeyStore(cert, key), PemFiles.keyStorePassword(), fingerprint,
                new Warmup.Plan(1, Duration.ofSeconds(60), 3, Duration.ofSeconds(120), Duration.ofMillis(500)),
                activity, result::set).listening();
        master.join(30_000);
        assertThat(master.isAlive()).isFalse();
        assertThat(result.get()).as("no background round ends while the master syncs").isNull();
        long syncEnded = System.nanoTime();
        Awaitility.await("the warm-up's report").atMost(Duration.ofSeconds(120)).until(() -> result.get() != null);
        assertThat(result.get().problem()).isEmpty();
        assertThat(result.get().calls()).as("every round ran once the master was done").isEqualTo(4 * WarmupCalls.all().size());
        assertThat(result.get().took()).isGreaterThanOrEqualTo(Duration.ofNanos(syncEnded - begun));
    }

    /**
     * A start that fails after the first rounds: the background rounds never begin (they wait for the listener, and
     * none comes), the report says why, and the rig is gone. Were they to begin as soon as the first rounds are done,
     * the report would count them.
     */
    @Test
    void anAbandonedStartRunsNoBackgroundRound() throws Exception {
        Path cert = dir.resolve("carpgate.crt");
        Path key = dir.resolve("carpgate.key");
        Fingerprint fingerprint = PemFiles.writeSelfSigned(cert, key, "carpgate", List.of("127.0.0.1"));
        AtomicReference<Warmup.Result> result = new AtomicReference<>();
        Warmup.Running running = Warmup.start(PemFiles.loadKeyStore(cert, key), PemFiles.keyStorePassword(),
                fingerprint, new Warmup.Plan(1, Duration.ofSeconds(60), 3, Duration.ofSeconds(120), Duration.ZERO),
                new io.carpgate.observe.ExchangeActivity(), result::set);
        running.awaitBefore();
        running.abandon();
        Awaitility.await("the warm-up's report").atMost(Duration.ofSeconds(60)).until(() -> result.get() != null);
        assertThat(result.get().calls()).as("only the first round ran").isEqualTo(WarmupCalls.all().size());
        assertThat(result.get().problem()).contains("carpgate did not start");
    }

    private static List<Path> warmupFolders() throws Exception {
        try (Stream<Path> all = Files.list(Paths.get(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("carpgate-warmup")).sorted().toList();
        }
    }
}
