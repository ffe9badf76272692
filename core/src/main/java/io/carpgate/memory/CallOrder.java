package io.carpgate.memory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Puts a pair's calls that read or change what carpgate knows of its items in the order the backup applies them.
 * A restore changes it (a writer); a start or restart is decided on it (a reader). A reader is admitted once
 * every restore that arrived before it has been settled (the backup answered, or it is known not to have been
 * sent), so it is decided on what the backup then holds; a restore is admitted once every call before it has
 * been settled, so no start decided on the old state reaches the backup after the restore. Readers run side by
 * side. First come, first admitted: a stream of starts cannot keep a restore waiting.
 *
 * <p>Waits are bounded: a call not admitted in time goes on, and is told so ({@link Ticket#inTurn()} false), so
 * a start is then decided as unknown and a restore is sent with a warning (every call before it has, by then,
 * outlived the upstream timeout that bounds it). Tickets are settled from whichever thread learns the outcome.
 */
public final class CallOrder {
    /** What a call does to the pair's memory. */
    public enum Role { READS, CHANGES }

    private final Deque<Ticket> open = new ArrayDeque<>();

    /**
     * Takes a place in the order and waits (at most {@code wait}) until it is this call's turn.
     *
     * @throws InterruptedException when the waiting thread is interrupted; the place is given up
     */
    public Ticket admit(Role role, Duration wait) throws InterruptedException {
        Ticket ticket = new Ticket(role);
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (this) {
            open.addLast(ticket);
            try {
                while (!turn(ticket)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        ticket.late = true;
                        break;
                    }
                    wait(Math.max(1, left / 1_000_000), 0);
                }
            } catch (InterruptedException e) {
                open.remove(ticket);
                notifyAll();
                throw e;
            }
        }
        return ticket;
    }

    /** Calls not yet settled, for tests and the status page. */
    public synchronized int unsettled() {
        return open.size();
    }

    /** Whether a restore is admitted or waiting: a start arriving now would wait for it. */
    public synchronized boolean restorePending() {
        return open.stream().anyMatch(t -> t.role == Role.CHANGES);
    }

    private boolean turn(Ticket ticket) {
        for (Ticket before : open) {
            if (before == ticket) {
                return true;
            }
            if (ticket.role == Role.CHANGES || before.role == Role.CHANGES) {
                return false;
            }
        }
        throw new IllegalStateException("a ticket waits that is not in the order");
    }

    private synchronized void settle(Ticket ticket) {
        if (open.remove(ticket)) {
            notifyAll();
        }
    }

    /** One call's place in the order; settle it exactly when the backup's outcome is known (extra calls are ignored). */
    public final class Ticket {
        private final Role role;
        private volatile boolean late;

        private Ticket(Role role) {
            this.role = role;
        }

        /** False when the call waited its whole bound and goes on out of turn. */
        public boolean inTurn() {
            return !late;
        }

        public Role role() {
            return role;
        }

        public void settle() {
            CallOrder.this.settle(this);
        }
    }
}
