package io.carpgate.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGHUP means "reload", as for most daemons ({@code systemctl reload}, {@code docker kill -s HUP}). */
final class Hangup {
    private static final Logger LOG = LoggerFactory.getLogger(Hangup.class);

    private Hangup() {}

    /**
     * Installs {@code action} as the SIGHUP handler. The JDK has no supported signal API; sun.misc.Signal
     * (module jdk.unsupported) is the one that exists.
     *
     * <p>A process started with SIGHUP ignored ({@code nohup}, some init scripts) keeps it ignored: the JVM
     * will not install a handler then and only reports the old disposition. That is detected here and said
     * at start, rather than leaving {@code kill -HUP} to do nothing in silence.
     *
     * @return why reload by signal is unavailable, or empty when SIGHUP now reloads
     */
    @SuppressWarnings("removal")
    static java.util.Optional<String> onHangup(Runnable action) {
        try {
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                LOG.info("SIGHUP: reloading the configuration");
                action.run();
            });
            if (previous == sun.misc.SignalHandler.SIG_IGN) {
                return java.util.Optional.of("SIGHUP was ignored when carpgate started (nohup?), and the JVM keeps it "
                        + "ignored: reload by signal is unavailable. Start it without nohup (systemd, docker, or "
                        + "'env --default-signal=HUP carpgate run ...')");
            }
            return java.util.Optional.empty();
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return java.util.Optional.of("SIGHUP cannot be handled here (" + e.getMessage() + ")");
        }
    }
}
