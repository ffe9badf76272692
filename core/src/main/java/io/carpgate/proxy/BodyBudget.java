package io.carpgate.proxy;

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

    BodyBudget(long limit) {
        this.limit = new AtomicLong(limit);
    }

    /** A reload may change the limit; bodies in flight keep what they hold. */
    void limit(long bytes) {
        limit.set(bytes);
    }

    long limit() {
        return limit.get();
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

    void release(long bytes) {
        inUse.addAndGet(-bytes);
    }

    long inUse() {
        return inUse.get();
    }
}
