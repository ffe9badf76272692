package io.carpgate.observe;

import io.carpgate.policy.Action;
import io.carpgate.policy.BackupMethods;
import io.carpgate.policy.CallOutcome;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * carpgate's own console: a WARN when a call does not reach the backup, a WARN when a restore is rejected or goes on
 * with a WARNING (what the admin must fix is then on the console, not only in the decision log), a DEBUG line per
 * decided call.
 */
public final class ConsoleLines implements ExchangeListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleLines.class);
    /** A client that sends restores in a loop gets one console line a minute of them, not one each. */
    private static final long RESTORE_WARNING_EVERY_NANOS = 60_000_000_000L;

    private final AtomicLong lastRestoreWarning = new AtomicLong(System.nanoTime() - RESTORE_WARNING_EVERY_NANOS);
    private final AtomicLong unsaid = new AtomicLong();
    /** A client that has calls fail in a loop (hanging up before each answer) gets one line a minute of them. */
    private final RepeatedLine failed = new RepeatedLine(LOG);

    @Override
    public void onDecided(Exchange exchange) {
        exchange.calls().stream().filter(ConsoleLines::restoreToFix).findFirst().ifPresent(c -> warnRestore(exchange, c));
        if (LOG.isDebugEnabled()) {
            // Names, ids and reasons only, as in the decision log: never a value from the payload.
            // A line end from the request (an LF or U+2028 in a method name or id) cannot start a forged line.
            exchange.calls().forEach(c -> LOG.debug("pair {}: {} {}: {} ({}){}", exchange.pair(),
                    LogText.oneLine(c.method()), LogText.oneLine(c.service().orElse("")), c.action().word(),
                    LogText.oneLine(c.reason()), exchange.observed() ? " [observe]" : ""));
        }
    }

    private static boolean restoreToFix(CallOutcome call) {
        return call.method().equals(BackupMethods.RESTORE)
                && (call.action() == Action.REJECTED || call.reason().contains("WARNING"));
    }

    private void warnRestore(Exchange exchange, CallOutcome call) {
        long now = System.nanoTime();
        long last = lastRestoreWarning.get();
        if (now - last < RESTORE_WARNING_EVERY_NANOS || !lastRestoreWarning.compareAndSet(last, now)) {
            unsaid.incrementAndGet();
            return;
        }
        long more = unsaid.getAndSet(0);
        LOG.warn("pair {}: a restore {}{}: {}{}", exchange.pair(),
                call.action() == Action.REJECTED ? "was rejected, nothing sent" : "went on with a WARNING",
                exchange.observed() ? " [observe]" : "", LogText.oneLine(call.reason()),
                more == 0 ? "" : " (" + more + " more such restore(s) since the last line)");
    }

    @Override
    public void onFailed(Exchange exchange, String reason) {
        failed.warn(exchange.pair() + "/" + exchange.client(),
                "pair " + exchange.pair() + ": call to the backup failed: " + LogText.oneLine(reason));
    }
}
