package io.carpgate.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap all request bodies in flight may hold together ({@code limits.body-budget}), shared by every pair:
 * a body takes its share as its bytes arrive and gives it back when its request is over, whatever the end
 * (answered, failed, client gone); what the reader keeps of a body to decide on it takes its share too, until
 * the decision is done ({@link KeptCharge}). When the budget is spent, new bytes are rejected instead of the JVM running
 * out of heap (Envoy's overload manager sheds load the same way).
 */
final class BodyBudget {
    private final AtomicLong limit;
    private final AtomicLong inUse = new AtomicLong();
    /**
     * What one client address may hold of it at once: so that a client in {@code allow-from} that needs no password to
     * send bodies cannot hold them all and leave the master 503 (two stalled bodies of {@code max-body} did).
     */
    private final AtomicLong perClient;
    private final ConcurrentHashMap<String, Long> byClient = new ConcurrentHashMap<>();

    BodyBudget(long limit) {
        this(limit, limit);
    }

    BodyBudget(long limit, long perClient) {
        this.limit = new AtomicLong(limit);
        this.perClient = new AtomicLong(perClient);
    }

    /**
     * One client's share of a budget of {@code limit}: half, so that another (the master) always has the other half,
     * and never less than one body of {@code maxBody}, so that a maximal body always fits when it is alone (what is
     * kept of it to decide may go past the share then: {@link #reserve(long, String, long)}).
     */
    static long shareOf(long limit, long maxBody) {
        return Math.min(limit, Math.max(limit / 2, maxBody));
    }

    /** A reload may change the limit; bodies in flight keep what they hold. */
    void limit(long bytes, long perClientBytes) {
        limit.set(bytes);
        perClient.set(perClientBytes);
    }

    void limit(long bytes) {
        limit(bytes, bytes);
    }

    long limit() {
        return limit.get();
    }

    /** What one client may hold of it at once (never more than the limit). */
    long perClient() {
        return Math.min(perClient.get(), limit.get());
    }

    /** Takes {@code bytes} if they fit: false (and nothing taken) when the budget cannot give them. */
    boolean reserve(long bytes) {
        while (true) {
            long used = inUse.get();
            if (used + bytes > limit.get()) {
                return false;
            }
            if (inUse.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    /**
     * Takes {@code bytes} for {@code client} if they fit both the budget and the client's share: false (and nothing
     * taken) when either cannot give them.
     */
    boolean reserve(long bytes, String client) {
        return reserve(bytes, client, 0);
    }

    /**
     * The same for a request that holds {@code mine} of the client's share already: when that is all the client
     * holds (the request is its only one in flight), it may go past the share, within the budget. So the master's one
     * maximal restore can be decided, while a client with several requests in flight stays within its half.
     */
    boolean reserve(long bytes, String client, long mine) {
        boolean[] taken = {false};
        byClient.compute(client, (k, held) -> {
            long before = held == null ? 0 : held;
            boolean alone = before <= mine;
            if ((before + bytes > perClient.get() && !alone) || !reserve(bytes)) {
                return held;
            }
            taken[0] = true;
            return before + bytes;
        });
        return taken[0];
    }

    void release(long bytes) {
        inUse.addAndGet(-bytes);
    }

    /** Gives back what {@link #reserve(long, String)} took; a client holding nothing more is forgotten. */
    void release(long bytes, String client) {
        byClient.computeIfPresent(client, (k, held) -> held - bytes <= 0 ? null : held - bytes);
        release(bytes);
    }

    long inUse() {
        return inUse.get();
    }

    /** The clients holding a share now (for tests: none is kept once its bodies are given back). */
    int clients() {
        return byClient.size();
    }
}
