package io.carpgate.warmup;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps the warm-up's own carpgate off the console: it logs as any carpgate does ("the backup's API answers",
 * "stopping: new calls are refused" when it is closed), which read as if they were about the real one. Events
 * logged on a thread of the warm-up's thread group are dropped; every other thread logs as before.
 */
final class QuietThreads extends TurboFilter {
    private final ThreadGroup group;

    private QuietThreads(ThreadGroup group) {
        this.group = group;
    }

    static QuietThreads install(ThreadGroup group) {
        QuietThreads filter = new QuietThreads(group);
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            filter.setContext(context);
            filter.start();
            context.addTurboFilter(filter);
        }
        return filter;
    }

    void remove() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getTurboFilterList().remove(this);
        }
        stop();
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        ThreadGroup current = Thread.currentThread().getThreadGroup();
        return current == group || (current != null && group.parentOf(current)) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
