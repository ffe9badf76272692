package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import io.carpgate.config.LogSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** logs.retention-days, max-file-size and level reach Logback, and the access log really rolls. */
class LogSetupTest {
    @TempDir
    Path dir;

    @AfterEach
    void backToDefaults() {
        LogSetup.configure(LogSettings.defaults(dir.resolve("after")));
    }

    @Test
    void theSettingsReachTheRollingPolicyAndTheFileRollsAtItsSize() throws Exception {
        LogSetup.configure(new LogSettings(dir, 7, 1024, 10L << 20, LogSettings.Level.WARN));
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        RollingFileAppender<?> access = (RollingFileAppender<?>) context.getLogger(AccessLog.LOGGER)
                .getAppender("ACCESS");
        assertThat(((TimeBasedRollingPolicy<?>) access.getRollingPolicy()).getMaxHistory()).isEqualTo(7);
        assertThat(LoggerFactory.getLogger("io.carpgate").isInfoEnabled()).as("logs.level: warn").isFalse();
        assertThat(LoggerFactory.getLogger(AccessLog.LOGGER).isInfoEnabled())
                .as("the access log is written whatever the level").isTrue();

        // Logback checks the size at most about once a second: write until it rolls, boundedly.
        Logger log = LoggerFactory.getLogger(AccessLog.LOGGER);
        org.awaitility.Awaitility.await("access.log rolls at logs.max-file-size").atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(5)).until(() -> {
                    log.info("127.0.0.1 - root [25/Nov/2026:06:00:00 +0000] \"POST /xmlrpc.php HTTP/1.1\" 200 123 padding-padding");
                    return rolled() > 0;
                });
    }

    /**
     * A decision log linked to a pipe (or /dev/stdout, as containers do) whose time is days old: Logback would roll
     * it over at the first line (rename the link, then gzip the pipe for ever); carpgate keeps writing into it.
     */
    @Test
    void aLogLinkedToAPipeIsNeverRolledOverAndEveryLineGoesThrough() throws Exception {
        Path fifo = dir.resolve("shipper.fifo");
        // touch, not Files.setLastModifiedTime: the JDK opens the file to set its time, and opening a pipe waits.
        Process mkfifo = new ProcessBuilder("sh", "-c", "mkfifo \"$0\" && touch -d '3 days ago' \"$0\"", fifo.toString())
                .start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)
                && mkfifo.exitValue() == 0, "mkfifo and touch (POSIX) make a named pipe three days old");
        assertThat(Files.getLastModifiedTime(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant())
                .isBefore(java.time.Instant.now().minus(java.time.Duration.ofDays(2)));
        Files.createSymbolicLink(dir.resolve("decisions.jsonl"), fifo);
        java.util.List<String> shipped = new java.util.concurrent.CopyOnWriteArrayList<>();
        // The shipper: opening a pipe waits for its other end, so it starts first and reads until the writer closes.
        Thread shipper = new Thread(() -> {
            try (java.io.BufferedReader in = Files.newBufferedReader(fifo)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    shipped.add(line);
                }
            } catch (java.io.IOException e) {
                shipped.add("read failed: " + e);
            }
        }, "log-shipper");
        shipper.setDaemon(true);
        shipper.start();
        LogSetup.configure(LogSettings.defaults(dir));
        Logger decisions = LoggerFactory.getLogger(DecisionLog.LOGGER);
        for (int i = 0; i < 3; i++) {
            decisions.info("{\"line\":" + i + "}");
        }
        org.awaitility.Awaitility.await("the shipper reads every line").atMost(java.time.Duration.ofSeconds(20))
                .until(() -> shipped.size() >= 3);
        assertThat(shipped).containsExactly("{\"line\":0}", "{\"line\":1}", "{\"line\":2}");
        assertThat(Files.isSymbolicLink(dir.resolve("decisions.jsonl"))).as("the link is where it was").isTrue();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("decisions.")))
                    .as("nothing rolled over").containsExactly("decisions.jsonl");
        }
    }

    private long rolled() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("access.") && !n.equals("access.log")).count();
        }
    }
}
