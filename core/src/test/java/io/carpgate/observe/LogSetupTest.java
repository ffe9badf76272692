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

    private long rolled() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("access.") && !n.equals("access.log")).count();
        }
    }
}
