package io.carpgate.proxy;

import io.carpgate.xmlrpc.KeptBudget;

/**
 * What the reader keeps of one request, charged to the shared {@link BodyBudget} beside the bodies, and to the same
 * client's share of it as its bodies are (a small body whose values cost ten times its bytes to keep must not take
 * the master's share either): taken as the tree grows, all given back at {@link #close()}, once the decision that
 * reads the tree is done. One request's, used by one thread.
 */
final class KeptCharge implements KeptBudget, AutoCloseable {
    private final BodyBudget budget;
    private final String client;
    /** What the request's own body holds of the client's share. */
    private final long body;
    private long taken;
    private long refused;

    KeptCharge(BodyBudget budget, String client, long body) {
        this.budget = budget;
        this.client = client;
        this.body = body;
    }

    @Override
    public boolean take(long bytes) {
        if (budget.reserve(bytes, client, body + taken)) {
            taken += bytes;
            return true;
        }
        refused = bytes;
        return false;
    }

    /**
     * Whether what was kept, with the charge refused and the request's own body, fits the budget at all: false,
     * and no retry can help, when even with nothing else in flight it would not.
     */
    boolean couldFitWith(long body) {
        return taken + refused + body <= budget.limit(); // alone, a request may go past its client's share
    }

    @Override
    public void close() {
        budget.release(taken, client);
        taken = 0;
    }
}
