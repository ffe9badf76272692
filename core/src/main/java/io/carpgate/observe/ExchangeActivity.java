package io.carpgate.observe;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * When the sync listener last saw an exchange (decided, forwarded, failed or complete), so that work of carpgate's
 * own that can wait (the warm-up's background rounds) stands aside while a master is syncing instead of taking the
 * CPU its calls need.
 */
public final class ExchangeActivity implements ExchangeListener {
    private final LongSupplier nanoTime;
    private final AtomicLong last;

    public ExchangeActivity() {
        this(System::nanoTime);
    }

    ExchangeActivity(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.last = new AtomicLong(nanoTime.getAsLong() - Long.MAX_VALUE / 2); // long ago: quiet from the start
    }

    /** Whether no exchange was seen for at least {@code quiet}. */
    public boolean quietFor(Duration quiet) {
        return nanoTime.getAsLong() - last.get() >= quiet.toNanos();
    }

    /** An exchange was seen now (each of the listener's events says so). */
    public void seen() {
        last.set(nanoTime.getAsLong());
    }

    @Override
    public void onDecided(Exchange exchange) {
        seen();
    }

    @Override
    public void onForwarded(Exchange exchange) {
        seen();
    }

    @Override
    public void onFailed(Exchange exchange, String reason) {
        seen();
    }

    @Override
    public void onComplete(ExchangeRecord record) {
        seen();
    }
}
