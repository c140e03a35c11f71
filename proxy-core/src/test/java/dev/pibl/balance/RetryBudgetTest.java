package dev.pibl.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Retries as a share of requests, a per-second floor, and a cap; on a fake clock. */
class RetryBudgetTest {

    private final AtomicLong now = new AtomicLong(5_000);

    private int retriesAllowed(RetryBudget budget) {
        int n = 0;
        while (budget.tryRetry()) {
            n++;
        }
        return n;
    }

    @Test
    void everyRequestEarnsItsShareOfARetry() {
        RetryBudget budget = new RetryBudget(20, 0, now::get);
        assertThat(retriesAllowed(budget)).isZero();
        for (int i = 0; i < 50; i++) {
            budget.onRequest();
        }
        assertThat(retriesAllowed(budget)).isEqualTo(10);
    }

    @Test
    void aQuietProxyStillGetsTheMinimumEverySecond() {
        RetryBudget budget = new RetryBudget(0, 3, now::get);
        assertThat(retriesAllowed(budget)).as("a second's worth to start").isEqualTo(3);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(retriesAllowed(budget)).isEqualTo(1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertThat(retriesAllowed(budget)).isEqualTo(6);
    }

    @Test
    void unusedBudgetIsCapped() {
        RetryBudget budget = new RetryBudget(100, 0, now::get);
        for (int i = 0; i < 10_000; i++) {
            budget.onRequest();
        }
        assertThat(retriesAllowed(budget)).isEqualTo(100);
    }

    @Test
    void lookingSpendsNothing() {
        RetryBudget budget = new RetryBudget(100, 0, now::get);
        assertThat(budget.canRetry()).isFalse();
        budget.onRequest();
        assertThat(budget.canRetry()).isTrue();
        assertThat(budget.canRetry()).isTrue();
        assertThat(retriesAllowed(budget)).isEqualTo(1);
        assertThat(budget.canRetry()).isFalse();
    }

    @Test
    void zeroPercentAndZeroFloorMeansNoRetries() {
        RetryBudget budget = new RetryBudget(0, 0, now::get);
        budget.onRequest();
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertThat(budget.tryRetry()).isFalse();
    }
}
