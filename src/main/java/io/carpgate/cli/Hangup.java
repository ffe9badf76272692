package io.carpgate.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGHUP means "reload", as for most daemons ({@code systemctl reload}, {@code docker kill -s HUP}). */
final class Hangup {
    private static final Logger LOG = LoggerFactory.getLogger(Hangup.class);

    private Hangup() {}

    /** The JDK has no supported signal API; sun.misc.Signal (module jdk.unsupported) is the one that exists. */
    @SuppressWarnings("removal")
    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                LOG.info("SIGHUP: reloading the configuration");
                action.run();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warn("SIGHUP cannot be handled here ({}); carpgate still reloads when its files change", e.getMessage());
        }
    }
}
