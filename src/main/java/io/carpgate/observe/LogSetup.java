package io.carpgate.observe;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.carpgate.config.LogSettings;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** Points Logback at the configured log folder: access.log and decisions.jsonl there, the rest on the console. */
public final class LogSetup {
    private static final String CONFIG = "/carpgate-logback.xml";

    private LogSetup() {}

    public static void configure(LogSettings settings) {
        Path logsDir = settings.dir();
        try {
            Files.createDirectories(logsDir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create log folder " + logsDir + ": " + e.getMessage(), e);
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        URL config = LogSetup.class.getResource(CONFIG);
        if (config == null) {
            throw new IllegalStateException(CONFIG + " missing from the jar");
        }
        context.reset();
        context.putProperty("CARPGATE_LOG_DIR", logsDir.toAbsolutePath().toString());
        context.putProperty("CARPGATE_LOG_RETENTION_DAYS", Integer.toString(settings.retentionDays()));
        // Logback reads a plain number as bytes.
        context.putProperty("CARPGATE_LOG_MAX_FILE", Long.toString(settings.maxFileBytes()));
        context.putProperty("CARPGATE_LOG_TOTAL_CAP", Long.toString(settings.totalSizeCapBytes()));
        context.putProperty("CARPGATE_LOG_LEVEL", settings.level().name());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging: " + e.getMessage(), e);
        }
    }

    /** Applies a new console level at once (a reload); the two log files stay at INFO. */
    public static void level(LogSettings.Level level) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.toLevel(level.name()));
    }
}
