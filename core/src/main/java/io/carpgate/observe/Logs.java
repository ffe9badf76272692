package io.carpgate.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;

/**
 * Where a server's own lines go (the console and carpgate.log), handed to it rather than taken from a static
 * logger, so that a private server (the warm-up's) is quiet without a filter over the whole JVM.
 */
@FunctionalInterface
public interface Logs {
    /** Logback's logger of {@code owner}: the lines carry the class's name, as a static logger's do. */
    Logs CONSOLE = LoggerFactory::getLogger;
    /** Nothing is written. */
    Logs NONE = owner -> NOPLogger.NOP_LOGGER;

    Logger of(Class<?> owner);
}
