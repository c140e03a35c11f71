package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.scoring.ScorerException;
import dev.pibl.testing.ScoringStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the http scorer reads the service's answer: the scores it takes, and why it refuses the rest. */
class HttpScorerAnswerTest {

    private final ScorerFixture fixture = new ScorerFixture();
    private final ScoringStub stub = ScoringStub.start();
    private final HttpScorer scorer = fixture.scorer(ScorerFixture.settings(stub.url("/score_ip")));

    @AfterEach
    void tearDown() {
        fixture.close();
        stub.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "200 | {\"score\": 0.93}          | 0.93",
            "200 | {\"score\": 0}             | 0.0",
            "200 | {\"score\": 1}             | 1.0",
            "200 | {\"score\": 1.0e-3}        | 0.001",
            "200 | {\"ip\": \"x\", \"score\": 0.5, \"model\": \"v2\"} | 0.5",
    })
    void aNumberInTheRangeIsTheScore(int status, String body, double expected) {
        stub.answer(status, body);

        assertThat(fixture.score(scorer, "192.0.2.1")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "500 | {\"score\": 0.5}       | status 500",
            "404 | not found              | status 404",
            "204 | ``                     | status 204",
            "200 | <html>busy</html>      | answer is not JSON",
            "200 | {\"score\": 0.5        | answer is not JSON",
            "200 | {\"score\": NaN}       | answer is not JSON",
            "200 | {\"score\": 0.1} {\"score\": 0.9} | answer is not JSON",
            "200 | ``                     | answer is not a JSON object",
            "200 | [0.5]                  | answer is not a JSON object",
            "200 | 0.5                    | answer is not a JSON object",
            "200 | {\"other\": 0.5}       | no numeric field \"score\"",
            "200 | {\"score\": \"0.5\"}   | no numeric field \"score\"",
            "200 | {\"score\": null}      | no numeric field \"score\"",
            "200 | {\"score\": {\"v\": 1}} | no numeric field \"score\"",
            "200 | {\"score\": 1.7}       | score 1.7 outside [0, 1]",
            "200 | {\"score\": -0.1}      | score -0.1 outside [0, 1]",
            "200 | {\"score\": 1e400}     | score Infinity outside [0, 1]",
    })
    void anAnswerWithoutAScoreInTheRangeIsAnError(int status, String body, String message) {
        stub.answer(status, body);

        ScorerException failure = fixture.failure(scorer, "192.0.2.1");

        assertThat(failure.kind()).isEqualTo(ScorerException.Kind.ERROR);
        assertThat(failure.getMessage()).isEqualTo(message);
    }

    @Test
    void anAnswerTooLargeToBeAScoreIsAnError() {
        stub.answer(200, "{\"score\": 0.5, \"padding\": \"" + "x".repeat(100 * 1024) + "\"}");

        ScorerException failure = fixture.failure(scorer, "192.0.2.1");

        assertThat(failure.kind()).isEqualTo(ScorerException.Kind.ERROR);
        assertThat(failure.getMessage()).isEqualTo("answer too large");
    }

    @Test
    void aWellFramedBadAnswerLeavesTheConnectionForTheNextCall() {
        stub.answer(500, "{\"error\": \"model not loaded\"}");
        fixture.failure(scorer, "192.0.2.1");
        stub.answer(200, "{\"score\": 0.75}");

        assertThat(fixture.score(scorer, "192.0.2.1")).isEqualTo(0.75);
        assertThat(stub.connections()).isOne();
    }

    @Test
    void theCountersSortTheOutcomes() {
        fixture.score(scorer, "192.0.2.1");
        stub.answer(503, "");
        fixture.failure(scorer, "192.0.2.1");

        HttpScorer.Stats stats = scorer.stats();
        assertThat(stats.calls()).isEqualTo(2);
        assertThat(stats.successes()).isEqualTo(1);
        assertThat(stats.errors()).isEqualTo(1);
        assertThat(stats.timeouts()).isZero();
        assertThat(stats.openConnections()).isOne();
    }
}
