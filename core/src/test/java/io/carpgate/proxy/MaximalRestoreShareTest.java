package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The defaults of bin/carpgate: -Xmx256m, so limits.body-budget is half the heap (128 MiB at most, a little less as
 * the JVM reports it), and max-body 64 MiB: a client's share is max(budget / 2, max-body) = 64 MiB. The master's one
 * maximal restore holds its 64 MiB body in its share; what the reader keeps of it (its item sections and VIPs, charged
 * in 64 KiB chunks) is charged to the same share, which has nothing left: the restore got the fault "need more heap
 * than limits.body-budget allows ... even with no other request in flight", though half the budget was free. A
 * request alone in flight from its address may now keep past its share, within the budget.
 */
class MaximalRestoreShareTest {
    private static final long MIB = 1L << 20;
    private static final long MAX_BODY = 64 * MIB;
    private static final String MASTER = "192.0.2.10";

    @Test
    void aMaximalRestoreAloneCanBeDecidedUnderTheDefaultHeap() {
        long limit = 128 * MIB; // Runtime.maxMemory() / 2 under -Xmx256m, at most
        BodyBudget budget = new BodyBudget(limit, BodyBudget.shareOf(limit, MAX_BODY));
        assertThat(budget.reserve(MAX_BODY, MASTER)).as("the master's 64 MiB body, alone").isTrue();

        try (KeptCharge kept = new KeptCharge(budget, MASTER, MAX_BODY)) {
            // The first chunk of what a restore's item sections and VIPs keep: taken (a refusal that merely "could
            // fit" would answer the master 503, and its restore would not be decided).
            assertThat(kept.take(64 * 1024))
                    .as("kept values of the only request in flight (budget in use %d of %d, share %d)",
                            budget.inUse(), budget.limit(), budget.perClient())
                    .isTrue();
        } finally {
            budget.release(MAX_BODY, MASTER);
        }
    }
}
