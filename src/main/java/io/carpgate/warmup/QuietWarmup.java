package io.carpgate.warmup;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Arrays;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps the warm-up's own carpgate off the console. It logs as any carpgate does, "pair ...: the backup's API
 * answers" and, when closed, "stopping: new calls are refused", which would read as if they were about the
 * real one. Dropped: what the warm-up's thread logs (closing its carpgate), and carpgate's lines about the
 * warm-up's pair, whose name no configured pair can have. Everything else logs as before, also while the
 * warm-up runs beside the real carpgate.
 */
final class QuietWarmup extends TurboFilter {
    private final Thread warmup;
    private final String pair;

    private QuietWarmup(Thread warmup, String pair) {
        this.warmup = warmup;
        this.pair = pair;
    }

    static QuietWarmup install(Thread warmup, String pair) {
        QuietWarmup filter = new QuietWarmup(warmup, pair);
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
        if (Thread.currentThread() == warmup) {
            return FilterReply.DENY;
        }
        boolean aboutThePair = logger != null && logger.getName().startsWith("io.carpgate.") && params != null
                && Arrays.asList(params).contains(pair);
        return aboutThePair ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
