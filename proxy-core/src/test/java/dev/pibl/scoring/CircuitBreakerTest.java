package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pibl.scoring.CircuitBreaker.State;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's states on a clock the tests move by hand. */
class CircuitBreakerTest {

    private final AtomicLong nanos = new AtomicLong(123_456_789L);
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), nanos::get);

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onFailure();
        }
    }

    @Test
    void opensAfterTheThresholdOfConsecutiveFailuresAndThenRefusesCalls() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        advance(Duration.ofSeconds(9));
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aSuccessResetsTheCountOfConsecutiveFailures() {
        fail(2);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onSuccess();
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        fail(1);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void afterTheOpenPeriodOneTrialGoesThroughAndItsSuccessClosesTheCircuit() {
        fail(3);
        advance(Duration.ofSeconds(10));
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).as("the trial").isTrue();
        assertThat(breaker.tryAcquire()).as("while the trial is under way").isFalse();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aFailedTrialOpensTheCircuitForAnotherFullPeriod() {
        fail(3);
        advance(Duration.ofSeconds(15));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        advance(Duration.ofSeconds(9));
        assertThat(breaker.tryAcquire()).as("the new period runs from the trial's failure").isFalse();
        advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void afterClosingItTakesTheWholeThresholdToOpenAgain() {
        fail(3);
        advance(Duration.ofSeconds(10));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onSuccess();
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void outcomesReportedWhileOpenDoNotStretchThePeriod() {
        fail(3);
        advance(Duration.ofSeconds(6));
        breaker.onFailure(); // a call let through before the circuit opened, failing late
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        advance(Duration.ofSeconds(4));
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aThresholdOfOneOpensOnTheFirstFailure() {
        CircuitBreaker eager = new CircuitBreaker(1, Duration.ofMillis(1), nanos::get);
        assertThat(eager.tryAcquire()).isTrue();
        eager.onFailure();
        assertThat(eager.tryAcquire()).isFalse();
    }

    @Test
    void rejectsSettingsThatCannotWork() {
        assertThatThrownBy(() -> new CircuitBreaker(0, Duration.ofSeconds(1), nanos::get))
                .hasMessage("failureThreshold: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new CircuitBreaker(1, Duration.ZERO, nanos::get))
                .hasMessage("openFor: PT0S (expected: > 0)");
    }
}
