package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pibl.scoring.CircuitBreaker;
import dev.pibl.scoring.Features;
import dev.pibl.scoring.ScoreRequest;
import dev.pibl.scoring.ScorerException;
import dev.pibl.testing.ScoringStub;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The http scorer's bounds: calls in flight, closing, and the settings and requests it refuses. */
class HttpScorerLimitsTest {

    private final ScorerFixture fixture = new ScorerFixture();
    private final ScoringStub stub = ScoringStub.start();

    @AfterEach
    void tearDown() {
        fixture.close();
        stub.close();
    }

    private HttpScorer.Settings settings(int maxConcurrent) {
        return new HttpScorer.Settings(stub.url("/score_ip"), HttpScorer.Method.GET, "ip", "score",
                Duration.ofSeconds(10), maxConcurrent, 3, Duration.ofSeconds(10));
    }

    @Test
    void beyondMaxConcurrentCallsAreRefusedAtOnceWithoutAsking() {
        HttpScorer scorer = fixture.scorer(settings(2));
        stub.hold();
        CompletableFuture<Double> first = fixture.call(scorer, "192.0.2.1");
        CompletableFuture<Double> second = fixture.call(scorer, "192.0.2.2");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> stub.requests().size() == 2);

        CompletableFuture<Double> third = fixture.call(scorer, "192.0.2.3");

        assertThat(third).as("refused at once").isCompletedExceptionally();
        ScorerException failure = ScorerFixture.failureOf(third);
        assertThat(failure.kind()).isEqualTo(ScorerException.Kind.OVERLOADED);
        assertThat(failure.getMessage()).isEqualTo("2 calls in flight already");
        stub.release();
        assertThat(first.join()).isEqualTo(0.25);
        assertThat(second.join()).isEqualTo(0.25);
        assertThat(fixture.score(scorer, "192.0.2.4")).as("a slot is free again").isEqualTo(0.25);
        assertThat(stub.requests()).hasSize(3);
        assertThat(scorer.stats().overloaded()).isOne();
        assertThat(scorer.stats().circuitState()).as("overload is not the service's failure")
                .isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void closingClosesTheConnectionsAndRefusesLaterCalls() {
        HttpScorer scorer = fixture.scorer(settings(4));
        fixture.score(scorer, "192.0.2.1");
        assertThat(scorer.stats().openConnections()).isOne();

        scorer.close();
        scorer.close();

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> scorer.stats().openConnections() == 0);
        ScorerException failure = fixture.failure(scorer, "192.0.2.1");
        assertThat(failure.kind()).isEqualTo(ScorerException.Kind.ERROR);
        assertThat(failure.getMessage()).isEqualTo("closed");
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void closingEndsACallUnderWay() {
        HttpScorer scorer = fixture.scorer(settings(4));
        stub.hold();
        CompletableFuture<Double> call = fixture.call(scorer, "192.0.2.1");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> stub.requests().size() == 1);

        scorer.close();

        ScorerException failure = ScorerFixture.failureOf(call); // long before the 10 s deadline
        assertThat(failure.kind()).isEqualTo(ScorerException.Kind.ERROR);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> scorer.stats().openConnections() == 0);
    }

    @Test
    void theExecutorMustBeAnEventLoop() {
        HttpScorer scorer = fixture.scorer(settings(4));
        var executor = Executors.newSingleThreadExecutor();
        try {
            ScoreRequest request = new ScoreRequest("192.0.2.1", "192.0.2.1", new double[Features.COUNT], executor);
            assertThatThrownBy(() -> scorer.score(request)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("executor: ");
        } finally {
            executor.shutdown();
        }
    }

    @Test
    void anUnresolvableHostIsRefusedWhenTheScorerIsMade() {
        HttpScorer.Settings s = ScorerFixture.settings(URI.create("http://no-such-scorer.invalid:5000/score_ip"));

        assertThatThrownBy(() -> new HttpScorer(s, NioSocketChannel.class, System::nanoTime))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"no-such-scorer.invalid\"");
    }

    @Test
    void settingsThatCannotWorkAreRefused() {
        URI url = URI.create("http://127.0.0.1:5000/score_ip");
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> settings(URI.create("https://127.0.0.1/score_ip"), s, 1, 1, s))
                .hasMessage("url: https://127.0.0.1/score_ip (expected: an http:// URL)");
        assertThatThrownBy(() -> settings(URI.create("/score_ip"), s, 1, 1, s))
                .hasMessage("url: /score_ip (expected: an http:// URL)");
        assertThatThrownBy(() -> settings(URI.create("http:///score_ip"), s, 1, 1, s))
                .hasMessage("url: http:///score_ip (expected: a host name or address)");
        assertThatThrownBy(() -> settings(url, Duration.ZERO, 1, 1, s)).hasMessage("timeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> settings(url, s, 0, 1, s)).hasMessage("maxConcurrent: 0 (expected: >= 1)");
        assertThatThrownBy(() -> settings(url, s, 1, 0, s)).hasMessage("circuitFailures: 0 (expected: >= 1)");
        assertThatThrownBy(() -> settings(url, s, 1, 1, Duration.ofSeconds(-1)))
                .hasMessage("circuitOpenFor: PT-1S (expected: > 0)");
    }

    private static HttpScorer.Settings settings(URI url, Duration timeout, int maxConcurrent, int failures,
            Duration openFor) {
        return new HttpScorer.Settings(url, HttpScorer.Method.GET, "ip", "score", timeout, maxConcurrent, failures,
                openFor);
    }
}
