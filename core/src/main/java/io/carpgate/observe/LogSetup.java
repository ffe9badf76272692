package io.carpgate.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.joran.spi.JoranException;
import io.carpgate.config.LogSettings;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Points Logback at the configured log folder: access.log and decisions.jsonl there, the rest on the console. */
public final class LogSetup {
    private static final String CONFIG = "/carpgate-logback.xml";

    private LogSetup() {}

    /**
     * The log folder cannot be written at start: carpgate does not start (exit status 1, as for an unwritable
     * certificate folder). Running for hours with no audit trail, and saying nothing, is the worse failure.
     */
    public static final class Unwritable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unwritable(String message) {
            super(message);
        }
    }

    /** @throws Unwritable when the folder cannot be created or a log file in it cannot be opened for writing */
    public static void configure(LogSettings settings) {
        Path logsDir = settings.dir();
        try {
            Files.createDirectories(logsDir);
        } catch (IOException e) {
            throw new Unwritable("cannot create the log folder " + logsDir + " (logs.dir): "
                    + WatchedFileAppender.words(e));
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        URL config = LogSetup.class.getResource(CONFIG);
        if (config == null) {
            throw new IllegalStateException(CONFIG + " missing from the jar");
        }
        context.reset();
        context.putObject(WatchedFileAppender.HEALTH, new LogHealth());
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
        List<String> closed = files().stream().filter(f -> !f.isStarted())
                .map(f -> f.failing().orElse("cannot open " + f.getFile())).toList();
        if (!closed.isEmpty()) {
            throw new Unwritable("cannot write the logs in " + logsDir + " (logs.dir): " + String.join("; ", closed));
        }
    }

    /** The health of the log files as configured now (a fresh, healthy one when logging was never configured). */
    public static LogHealth health() {
        Object health = ((LoggerContext) LoggerFactory.getILoggerFactory()).getObject(WatchedFileAppender.HEALTH);
        return health instanceof LogHealth h ? h : new LogHealth();
    }

    /**
     * Reopens access.log and decisions.jsonl by their names (SIGHUP, as nginx reopens on USR1): after an external
     * rotation renamed them, the next lines go to new files. Each file is switched under its appender's own write
     * lock, so every line lands in the old file or the new one. A file that could not be opened is tried again.
     *
     * @return one line per file that could not be reopened (empty: all reopened)
     */
    public static List<String> reopen() {
        List<String> problems = new ArrayList<>();
        for (WatchedFileAppender file : files()) {
            try {
                file.reopen();
            } catch (IOException e) {
                // openFile said why in failing(); the next line is counted as lost until a reopen works
            }
            file.failing().ifPresent(problems::add);
        }
        return problems;
    }

    private static List<WatchedFileAppender> files() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        List<WatchedFileAppender> files = new ArrayList<>();
        for (String name : List.of(DecisionLog.LOGGER, AccessLog.LOGGER)) {
            Logger logger = context.getLogger(name);
            for (java.util.Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = logger.iteratorForAppenders();
                 it.hasNext(); ) {
                if (it.next() instanceof WatchedFileAppender file) {
                    files.add(file);
                }
            }
        }
        return files;
    }

    /** Applies a new console level at once (a reload); the two log files stay at INFO. */
    public static void level(LogSettings.Level level) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.toLevel(level.name()));
    }
}
