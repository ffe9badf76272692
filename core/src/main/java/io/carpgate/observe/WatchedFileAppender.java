package io.carpgate.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.util.FileUtil;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Logback's rolling file appender, telling {@link LogHealth} of every line it wrote or could not write. Logback's
 * own file stream keeps a failed write to itself (its status manager) and then drops lines while it "recovers",
 * with nothing to say which: this appender writes through its own unbuffered stream instead, one write per line
 * (as Logback's immediate flush does), so each line's fate is known. Named in {@code carpgate-logback.xml} with
 * {@code <log>decision</log>} or {@code <log>access</log>}; {@link LogSetup} puts the health in the context.
 */
public final class WatchedFileAppender extends RollingFileAppender<ILoggingEvent> {
    static final String HEALTH = LogHealth.class.getName();

    private String log = "access";
    private volatile Optional<String> failing = Optional.of("not opened yet");

    public void setLog(String log) {
        this.log = log;
    }

    /** Why the file is not being written now; empty while it is. */
    Optional<String> failing() {
        return failing;
    }

    private Optional<LogHealth> health() {
        return context == null ? Optional.empty()
                : Optional.ofNullable(context.getObject(HEALTH)).filter(LogHealth.class::isInstance).map(LogHealth.class::cast);
    }

    /** Opens (or after a rename or a rollover, reopens) the file by its name, for appending. */
    @Override
    public void openFile(String fileName) throws IOException {
        streamWriteLock.lock();
        try {
            File file = new File(fileName);
            FileUtil.createMissingParentDirectories(file);
            FileOutputStream out;
            try {
                out = new FileOutputStream(file, true);
            } catch (IOException e) {
                failing = Optional.of("cannot open " + fileName + ": " + words(e));
                throw e;
            }
            failing = Optional.empty();
            setOutputStream(new Lines(out, fileName));
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** Opens the file by its name again (after a rename), or tries again to start when it never opened. */
    void reopen() throws IOException {
        if (isStarted()) {
            openFile(getFile());
            return;
        }
        // A failed start left this appender's own name in Logback's collision map: it would collide with itself.
        Map<String, String> names = ch.qos.logback.core.util.ContextUtil.getFilenameCollisionMap(context);
        if (names != null) {
            names.remove(getName());
        }
        start();
    }

    /**
     * A log file that is not a regular file is never rolled over: a link to {@code /dev/stdout} (as containers
     * link nginx's logs) or to a pipe a log shipper reads. Renaming the link would not move a line, and compressing
     * it would read the device or the pipe for ever. Logback decides to roll a file over when its time is in an
     * earlier period than now, and a device's time is when it was created (at boot).
     */
    @Override
    public void rollover() {
        if (!Files.isRegularFile(Path.of(getFile()))) {
            return;
        }
        super.rollover();
    }

    @Override
    public void doAppend(ILoggingEvent event) {
        if (!isStarted()) {
            // Logback drops it with a status line or two; carpgate counts every one.
            health().ifPresent(h -> h.lost(log, failing.orElse("the " + log + " log file is not open")));
            return;
        }
        super.doAppend(event);
    }

    /**
     * The file's stream: each write is one line (the appender writes a line's bytes at once, under its lock). A
     * failed write is never thrown to Logback, which would stop the appender for good: the next line tries again.
     */
    private final class Lines extends OutputStream {
        private final FileOutputStream file;
        private final String name;

        Lines(FileOutputStream file, String name) {
            this.file = file;
            this.name = name;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            try {
                file.write(bytes, offset, length);
            } catch (IOException e) {
                String why = "cannot write " + name + ": " + words(e);
                failing = Optional.of(why);
                health().ifPresent(h -> h.lost(log, why));
                return;
            }
            failing = Optional.empty();
            health().ifPresent(h -> h.written(log));
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** The system's words for an I/O failure ("No space left on device"), never a stack trace. */
    static String words(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException || (message != null && message.contains("Permission denied"))) {
            return "permission denied";
        }
        return message == null ? e.getClass().getSimpleName() : LogText.oneLine(message);
    }
}
