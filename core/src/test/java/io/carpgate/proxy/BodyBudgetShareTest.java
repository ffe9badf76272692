package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One client address holds at most its share of the body budget; what it gives back is forgotten with it. */
class BodyBudgetShareTest {
    @Test
    void aClientsShareIsHalfTheBudgetAndNeverLessThanOneMaximalBody() {
        assertThat(BodyBudget.shareOf(128, 64)).isEqualTo(64);
        assertThat(BodyBudget.shareOf(1000, 64)).isEqualTo(500);
        assertThat(BodyBudget.shareOf(100, 64)).as("a maximal body always fits alone").isEqualTo(64);
        assertThat(BodyBudget.shareOf(64, 64)).isEqualTo(64);
    }

    @Test
    void aRequestAloneInFlightMayKeepPastItsClientsShareAndOneOfSeveralMayNot() {
        BodyBudget budget = new BodyBudget(200, 64);
        assertThat(budget.reserve(64, "192.0.2.1")).as("the master's maximal body").isTrue();
        assertThat(budget.reserve(8, "192.0.2.1", 64)).as("what is kept of it, alone in flight").isTrue();
        assertThat(budget.reserve(30, "192.0.2.9")).isTrue();
        assertThat(budget.reserve(30, "192.0.2.9")).as("a second body of the same client").isTrue();
        assertThat(budget.reserve(8, "192.0.2.9", 30)).as("kept of one of its two: within its share only")
                .isFalse();
        budget.release(72, "192.0.2.1");
        budget.release(60, "192.0.2.9");
        assertThat(budget.clients()).isZero();
    }

    @Test
    void aClientOverItsShareIsRefusedWhileAnotherStillGetsTheRest() {
        BodyBudget budget = new BodyBudget(128, 64);
        assertThat(budget.reserve(60, "192.0.2.9")).isTrue();
        assertThat(budget.reserve(10, "192.0.2.9")).as("over its share of 64").isFalse();
        assertThat(budget.inUse()).as("a refusal takes nothing").isEqualTo(60);
        assertThat(budget.reserve(64, "192.0.2.1")).as("the master's share is still there").isTrue();
        assertThat(budget.reserve(4, "192.0.2.9")).as("within its share, and the budget has room").isTrue();
        assertThat(budget.reserve(1, "192.0.2.3")).as("the budget is spent").isFalse();
        budget.release(64, "192.0.2.9");
        budget.release(64, "192.0.2.1");
        assertThat(budget.inUse()).isZero();
        assertThat(budget.clients()).as("no client is kept once it holds nothing").isZero();
    }
}
