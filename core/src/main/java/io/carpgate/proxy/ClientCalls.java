package io.carpgate.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests each client address has in the sync paths at once, across every pair and every reload (owned by the
 * server, like the body budget): {@code limits.max-calls-per-client} holds for one address whatever pair it calls,
 * and a reload does not hand it a fresh allowance while its calls of the previous configuration still run.
 */
final class ClientCalls {
    private final AtomicInteger max;
    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    ClientCalls(int max) {
        this.max = new AtomicInteger(max);
    }

    /** A reload may change the limit: calls in flight keep their place. */
    void max(int calls) {
        max.set(calls);
    }

    int max() {
        return max.get();
    }

    /** One more call of {@code client}, if it has fewer than the limit in flight: false (nothing taken) otherwise. */
    boolean take(String client) {
        boolean[] taken = {false};
        inFlight.compute(client, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max.get()) {
                return n;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    /** A call of {@code client} is over; an address with none left is forgotten. */
    void give(String client) {
        inFlight.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** The addresses with calls in flight now (for tests: none is kept once its calls are done). */
    int clients() {
        return inFlight.size();
    }
}
