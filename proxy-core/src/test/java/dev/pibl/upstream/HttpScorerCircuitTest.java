package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.scoring.CircuitBreaker;
import dev.pibl.scoring.ScorerException;
import dev.pibl.testing.ScoringStub;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The http scorer's circuit: 3 consecutive failures open it for 10 s of the fixture's fake clock,
 * during which the service is not asked at all; then one trial decides.
 */
class HttpScorerCircuitTest {

    private final ScorerFixture fixture = new ScorerFixture();
    private final ScoringStub stub = ScoringStub.start();
    private final HttpScorer scorer = fixture.scorer(ScorerFixture.settings(stub.url("/score_ip")));

    @AfterEach
    void tearDown() {
        fixture.close();
        stub.close();
    }

    private void openTheCircuit() {
        stub.answer(500, "");
        for (int i = 0; i < 3; i++) {
            assertThat(fixture.failure(scorer, "192.0.2.1").kind()).isEqualTo(ScorerException.Kind.ERROR);
        }
        assertThat(scorer.stats().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void consecutiveFailuresOpenTheCircuitAndTheServiceIsNoLongerAsked() {
        openTheCircuit();
        stub.answer(200, "{\"score\": 0.1}");

        for (int i = 0; i < 5; i++) {
            CompletableFuture<Double> call = fixture.call(scorer, "192.0.2.1");
            assertThat(call).as("refused at once").isCompletedExceptionally();
            ScorerException failure = ScorerFixture.failureOf(call);
            assertThat(failure.kind()).isEqualTo(ScorerException.Kind.CIRCUIT_OPEN);
            assertThat(failure.getMessage()).isEqualTo("circuit open");
        }
        fixture.advance(Duration.ofSeconds(9));
        assertThat(fixture.failure(scorer, "192.0.2.1").kind()).isEqualTo(ScorerException.Kind.CIRCUIT_OPEN);

        assertThat(stub.requests()).hasSize(3);
        HttpScorer.Stats stats = scorer.stats();
        assertThat(stats.circuitOpenRejections()).isEqualTo(6);
        assertThat(stats.errors()).isEqualTo(3);
        assertThat(stats.calls()).isEqualTo(9);
    }

    @Test
    void afterTheOpenPeriodASuccessfulTrialClosesTheCircuit() {
        openTheCircuit();
        stub.answer(200, "{\"score\": 0.1}");
        fixture.advance(Duration.ofSeconds(10));
        assertThat(scorer.stats().circuitState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);

        assertThat(fixture.score(scorer, "192.0.2.1")).isEqualTo(0.1);

        assertThat(scorer.stats().circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(fixture.score(scorer, "192.0.2.1")).isEqualTo(0.1);
        assertThat(stub.requests()).hasSize(5);
    }

    @Test
    void aFailedTrialOpensTheCircuitForAnotherPeriod() {
        openTheCircuit();
        fixture.advance(Duration.ofSeconds(10));

        assertThat(fixture.failure(scorer, "192.0.2.1").kind()).as("the trial").isEqualTo(ScorerException.Kind.ERROR);

        assertThat(scorer.stats().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(fixture.failure(scorer, "192.0.2.1").kind()).isEqualTo(ScorerException.Kind.CIRCUIT_OPEN);
        assertThat(stub.requests()).hasSize(4);
    }

    @Test
    void whileTheTrialIsUnderWayOtherCallsAreRefused() {
        openTheCircuit();
        fixture.advance(Duration.ofSeconds(10));
        stub.answer(200, "{\"score\": 0.1}").hold();

        CompletableFuture<Double> trial = fixture.call(scorer, "192.0.2.1");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> stub.requests().size() == 4);
        assertThat(fixture.failure(scorer, "192.0.2.2").kind()).isEqualTo(ScorerException.Kind.CIRCUIT_OPEN);
        stub.release();

        assertThat(trial.join()).isEqualTo(0.1);
        assertThat(stub.requests()).hasSize(4);
    }

    @Test
    void timeoutsCountAsFailures() {
        HttpScorer impatient = fixture.scorer(ScorerFixture.withTimeout(
                ScorerFixture.settings(stub.url("/score_ip")), Duration.ofMillis(50)));
        stub.delay(Duration.ofSeconds(2));

        for (int i = 0; i < 3; i++) {
            assertThat(fixture.failure(impatient, "192.0.2.1").kind()).isEqualTo(ScorerException.Kind.TIMEOUT);
        }

        assertThat(impatient.stats().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(fixture.failure(impatient, "192.0.2.1").kind()).isEqualTo(ScorerException.Kind.CIRCUIT_OPEN);
        assertThat(stub.requests()).hasSize(3);
    }
}
