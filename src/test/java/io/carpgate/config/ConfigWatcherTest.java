package io.carpgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
            Thread.sleep(INTERVAL.toMillis() * 6);
            assertThat(changes).as("nothing changed").hasValue(0);

            Files.writeString(map, "instances: {wg0: {vhid: 7}}\n");
            awaitAtLeast(changes, 1);
            Thread.sleep(INTERVAL.toMillis() * 6);
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
        try (ConfigWatcher watcher = ConfigWatcher.start(() -> List.of(config), Duration.ofMillis(200),
                changes::incrementAndGet)) {
            // Written faster than the interval: each look sees new content, so it waits.
            for (int i = 1; i <= 20; i++) {
                Files.writeString(config, "a: " + i + "\n");
                Thread.sleep(40);
            }
            int whileWriting = changes.get();
            awaitAtLeast(changes, whileWriting + 1);
            assertThat(whileWriting).isLessThanOrEqualTo(1);
        }
    }

    private static void awaitAtLeast(AtomicInteger counter, int value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (counter.get() < value && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(counter.get()).isGreaterThanOrEqualTo(value);
    }

    @Test
    void anExplicitReloadCountsTheFilesAsAppliedSoTheWatchDoesNotRepeatIt() throws Exception {
        Path config = Files.writeString(dir.resolve("carpgate.yml"), "a: 1\n");
        AtomicInteger reloads = new AtomicInteger();
        try (ConfigWatcher watcher = ConfigWatcher.start(() -> List.of(config), INTERVAL, reloads::incrementAndGet)) {
            Files.writeString(config, "a: 2\n");
            watcher.reloadNow(); // SIGHUP right after the edit
            awaitAtLeast(reloads, 1);
            Thread.sleep(INTERVAL.toMillis() * 8);
            assertThat(reloads).as("the watch saw the same edit, already applied").hasValue(1);
        }
    }
}
