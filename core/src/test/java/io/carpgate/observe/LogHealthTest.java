package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carpgate.config.LogSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A log file that cannot be written is counted, said on the console at most once a minute, and reported. */
class LogHealthTest {
    private static final Path DEV_FULL = Paths.get("/dev/full");

    @TempDir
    Path dir;

    @AfterEach
    void backToDefaults() {
        LogSetup.configure(LogSettings.defaults(dir.resolve("after")));
    }

    private static ListAppender<ILoggingEvent> console() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(context);
        seen.start();
        context.getLogger(LogHealth.class).addAppender(seen);
        return seen;
    }

    @Test
    void aFullDiskCountsEveryLostLineSaysSoOnceAndRecoversOnReopen() throws Exception {
        assumeTrue(Files.isWritable(DEV_FULL), "/dev/full (Linux) gives ENOSPC on every write: a real full disk");
        Files.createSymbolicLink(dir.resolve("decisions.jsonl"), DEV_FULL);
        LogSetup.configure(LogSettings.defaults(dir));
        ListAppender<ILoggingEvent> console = console();
        Logger decisions = LoggerFactory.getLogger(DecisionLog.LOGGER);
        Logger access = LoggerFactory.getLogger(AccessLog.LOGGER);
        for (int i = 0; i < 5; i++) {
            decisions.info("{\"line\":" + i + "}");
            access.info("access line " + i);
        }
        LogHealth health = LogSetup.health();
        assertThat(health.lost("decision")).as("every decision line lost is counted").isEqualTo(5);
        assertThat(health.lost("access")).as("the access log is fine").isZero();
        assertThat(health.problems()).singleElement().asString()
                .startsWith("decision log NOT written since").contains("No space left on device");
        assertThat(console.list).as("said once, not once per line").singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getFormattedMessage()).contains("decision log is NOT being written", "No space left on device");
        });
        assertThat(Files.readAllLines(dir.resolve("access.log"))).hasSize(5);

        // The disk has room again (the file is a file again): a reopen (SIGHUP) and the next line is written.
        Files.delete(dir.resolve("decisions.jsonl"));
        assertThat(LogSetup.reopen()).isEmpty();
        decisions.info("{\"line\":\"after\"}");
        assertThat(health.problems()).isEmpty();
        assertThat(health.lost("decision")).as("a counter never goes back").isEqualTo(5);
        assertThat(Files.readString(dir.resolve("decisions.jsonl"), StandardCharsets.UTF_8)).isEqualTo("{\"line\":\"after\"}\n");
        assertThat(console.list).last().satisfies(e -> assertThat(e.getFormattedMessage()).contains("written again"));
    }

    @Test
    void theConsoleHearsOfAFailingLogAtMostOnceAMinute() {
        AtomicLong nanos = new AtomicLong();
        LogHealth health = new LogHealth(nanos::get);
        ListAppender<ILoggingEvent> console = console();
        health.lost("access", "cannot write access.log: No space left on device");
        nanos.addAndGet(LogHealth.CONSOLE_EVERY.toNanos() - 1);
        health.lost("access", "cannot write access.log: No space left on device");
        assertThat(console.list).hasSize(1);
        nanos.addAndGet(1);
        health.lost("access", "cannot write access.log: No space left on device");
        assertThat(console.list).hasSize(2);
        assertThat(console.list.get(1).getFormattedMessage()).contains("3 line(s) lost so far");
        assertThat(health.lost("access")).isEqualTo(3);
    }

    @Test
    void aLogFolderThatCannotBeWrittenAtStartIsAnErrorAtStart() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("logs"), "a file where the folder should be");
        assertThatThrownBy(() -> LogSetup.configure(LogSettings.defaults(notAFolder)))
                .isInstanceOf(LogSetup.Unwritable.class).hasMessageContaining("cannot create the log folder " + notAFolder);

        Path folder = Files.createDirectories(dir.resolve("folder"));
        Files.createDirectories(folder.resolve("access.log")); // a folder where the file should be
        assertThatThrownBy(() -> LogSetup.configure(LogSettings.defaults(folder)))
                .isInstanceOf(LogSetup.Unwritable.class)
                .hasMessageContaining("cannot write the logs in " + folder)
                .hasMessageContaining("access.log");
    }

    @Test
    void aReadOnlyLogFolderIsAnErrorAtStart() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("read-only"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            // root writes whatever the mode says (tests may run as root): then the other tests stand for this one.
            assumeTrue(!Files.isWritable(folder), "running as root: a read-only mode does not stop writes");
            assertThatThrownBy(() -> LogSetup.configure(LogSettings.defaults(folder)))
                    .isInstanceOf(LogSetup.Unwritable.class).hasMessageContaining("permission denied");
        } finally {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aFailingLogMakesTheProblemsListNameItWithTheReason() {
        LogHealth health = new LogHealth();
        assertThat(health.problems()).isEmpty();
        health.lost("decision", "cannot write decisions.jsonl: No space left on device");
        assertThat(health.problems()).containsExactly(health.problems().get(0))
                .allSatisfy(p -> assertThat(p).contains("decision log", "No space left on device"));
        health.written("decision");
        assertThat(health.problems()).isEmpty();
        assertThat(List.copyOf(LogHealth.LOGS)).containsExactly("decision", "access");
    }
}
