package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {
    private static final Duration INTERVAL = Duration.ofMillis(50);

    @TempDir
    Path dir;

    @Test
    void aChangedFileIsReportedOnceAfterItHoldsStillAndAnUntouchedOneNever() throws Exception {
        Path config = Files.writeString(dir.resolve("carpgate.yml"), "a: 1\n");
        Path map = Files.writeString(dir.resolve("map.yml"), "instances: {}\n");
        AtomicInteger changes = new AtomicInteger();
        try (ConfigWatcher watcher = ConfigWatcher.start(() -> List.of(config, map), INTERVAL, changes::incrementAndGet)) {
            awaitLooks(watcher, 4);
            assertThat(changes).as("nothing changed").hasValue(0);

            Files.writeString(map, "instances: {wg0: {vhid: 7}}\n");
            awaitAtLeast(changes, 1);
            awaitLooks(watcher, 4);
            assertThat(changes).as("one change, one report").hasValue(1);

            Files.delete(config);
            awaitAtLeast(changes, 2);
            assertThat(changes).hasValue(2);
        }
    }

    @Test
    void aFileThatKeepsChangingIsNotReportedUntilItStops() throws Exception {
        Path config = Files.writeString(dir.resolve("carpgate.yml"), "a: 0\n");
        AtomicInteger changes = new AtomicInteger();
        // The timer's interval is out of reach: the test takes each look itself, so the order is exact.
        try (ConfigWatcher watcher = ConfigWatcher.start(() -> List.of(config), Duration.ofHours(1),
                changes::incrementAndGet)) {
            for (int i = 1; i <= 8; i++) {
                Files.writeString(config, "a: " + i + "\n");
                watcher.poll(); // new content at every look: it is still being written, so wait
            }
            assertThat(changes).as("nothing reported while the file keeps changing").hasValue(0);
            watcher.poll(); // the same content twice: it holds still now
            assertThat(changes).hasValue(1);
            watcher.poll();
            assertThat(changes).as("reported once").hasValue(1);
        }
    }

    private static void awaitAtLeast(AtomicInteger counter, int value) {
        Awaitility.await("at least " + value + " report(s)").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(counter.get()).isGreaterThanOrEqualTo(value));
    }

    /** Waits until the watcher has looked at the files {@code more} more times (it looks every interval). */
    private static void awaitLooks(ConfigWatcher watcher, int more) {
        long target = watcher.looks() + more;
        Awaitility.await(more + " more look(s) at the files").atMost(Duration.ofSeconds(30))
                .until(() -> watcher.looks() >= target);
    }

    @Test
    void anExplicitReloadCountsTheFilesAsAppliedSoTheWatchDoesNotRepeatIt() throws Exception {
        Path config = Files.writeString(dir.resolve("carpgate.yml"), "a: 1\n");
        AtomicInteger reloads = new AtomicInteger();
        try (ConfigWatcher watcher = ConfigWatcher.start(() -> List.of(config), INTERVAL, reloads::incrementAndGet)) {
            Files.writeString(config, "a: 2\n");
            watcher.reloadNow(); // SIGHUP right after the edit
            awaitAtLeast(reloads, 1);
            awaitLooks(watcher, 4);
            assertThat(reloads).as("the watch saw the same edit, already applied").hasValue(1);
        }
    }
}
