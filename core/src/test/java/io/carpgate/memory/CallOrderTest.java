package io.carpgate.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The order of a pair's calls: starts wait for earlier restores, restores for every earlier call, all bounded. */
class CallOrderTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private final CallOrder order = new CallOrder();

    private CompletableFuture<CallOrder.Ticket> admitLater(CallOrder.Role role, Duration wait) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return order.admit(role, wait);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void awaitWaiting(int unsettled) {
        Awaitility.await(unsettled + " calls in the order").atMost(LONG).until(() -> order.unsettled() == unsettled);
    }

    @Test
    void startsRunSideBySide() throws Exception {
        CallOrder.Ticket first = order.admit(CallOrder.Role.READS, LONG);
        CallOrder.Ticket second = order.admit(CallOrder.Role.READS, Duration.ZERO);
        assertThat(first.inTurn()).isTrue();
        assertThat(second.inTurn()).isTrue();
    }

    @Test
    void aStartWaitsForTheRestoreBeforeItUntilItIsSettled() throws Exception {
        CallOrder.Ticket restore = order.admit(CallOrder.Role.CHANGES, LONG);
        CompletableFuture<CallOrder.Ticket> start = admitLater(CallOrder.Role.READS, LONG);
        awaitWaiting(2);
        assertThat(start).isNotDone();
        assertThat(order.restorePending()).isTrue();
        restore.settle();
        assertThat(start.get(30, TimeUnit.SECONDS).inTurn()).isTrue();
        assertThat(order.restorePending()).isFalse();
    }

    @Test
    void aRestoreWaitsForEveryCallBeforeItAndLaterStartsWaitForTheRestore() throws Exception {
        CallOrder.Ticket start = order.admit(CallOrder.Role.READS, LONG);
        CompletableFuture<CallOrder.Ticket> restore = admitLater(CallOrder.Role.CHANGES, LONG);
        awaitWaiting(2);
        // First come, first admitted: a start arriving now queues behind the waiting restore.
        CompletableFuture<CallOrder.Ticket> later = admitLater(CallOrder.Role.READS, LONG);
        awaitWaiting(3);
        assertThat(restore).isNotDone();
        assertThat(later).isNotDone();
        start.settle();
        CallOrder.Ticket restoring = restore.get(30, TimeUnit.SECONDS);
        assertThat(restoring.inTurn()).isTrue();
        assertThat(later).isNotDone();
        restoring.settle();
        assertThat(later.get(30, TimeUnit.SECONDS).inTurn()).isTrue();
    }

    @Test
    void aWaitIsBoundedAndTheLateCallIsToldSo() throws Exception {
        order.admit(CallOrder.Role.CHANGES, LONG); // never settled
        CallOrder.Ticket start = order.admit(CallOrder.Role.READS, Duration.ofMillis(50));
        assertThat(start.inTurn()).isFalse();
    }

    @Test
    void settlingTwiceIsHarmless() throws Exception {
        CallOrder.Ticket restore = order.admit(CallOrder.Role.CHANGES, LONG);
        restore.settle();
        restore.settle();
        assertThat(order.unsettled()).isZero();
        assertThat(order.admit(CallOrder.Role.CHANGES, Duration.ZERO).inTurn()).isTrue();
    }

    @Test
    void anInterruptedWaitGivesUpItsPlace() throws Exception {
        CallOrder.Ticket restore = order.admit(CallOrder.Role.CHANGES, LONG);
        Thread waiter = new Thread(() -> {
            try {
                order.admit(CallOrder.Role.READS, LONG);
            } catch (InterruptedException expected) {
                // gives up its place
            }
        });
        waiter.start();
        awaitWaiting(2);
        waiter.interrupt();
        waiter.join(30_000);
        assertThat(order.unsettled()).isEqualTo(1);
        restore.settle();
        assertThat(order.unsettled()).isZero();
    }
}
