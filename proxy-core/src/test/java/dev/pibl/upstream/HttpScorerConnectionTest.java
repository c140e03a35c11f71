package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.scoring.ScoreRequest;
import dev.pibl.scoring.ScorerException;
import dev.pibl.testing.ScoringStub;
import dev.pibl.testing.ScriptedBackend;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The http scorer's connections: kept alive and reused, closed when they cannot be, and the deadline. */
class HttpScorerConnectionTest {

    private static final String KEEP_ALIVE_ANSWER = "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n{\"score\": 0.5}";

    private final ScorerFixture fixture = new ScorerFixture();
    private final ScoringStub stub = ScoringStub.start();

    @AfterEach
    void tearDown() {
        fixture.close();
        stub.close();
    }

    @Test
    void sequentialCallsFromOneLoopReuseOneConnection() {
        HttpScorer scorer = fixture.scorer(ScorerFixture.settings(stub.url("/score_ip")));

        for (int i = 0; i < 50; i++) {
            assertThat(fixture.score(scorer, "192.0.2." + i)).isEqualTo(0.25);
        }

        assertThat(stub.requests()).hasSize(50);
        assertThat(stub.connections()).isOne();
        assertThat(scorer.stats().openConnections()).isOne();
    }

    @Test
    void aConnectionTheServiceClosesIsNotReused() throws Exception {
        String closing = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 14\r\n\r\n{\"score\": 0.5}";
        try (ScriptedBackend service = new ScriptedBackend((i, head) -> closing)) {
            HttpScorer scorer = fixture.scorer(ScorerFixture.settings(url(service)));

            for (int i = 0; i < 3; i++) {
                assertThat(fixture.score(scorer, "192.0.2.1")).isEqualTo(0.5);
            }

            assertThat(service.connections()).isEqualTo(3);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> scorer.stats().openConnections() == 0);
        }
    }

    @Test
    void aKeptConnectionFoundClosedWhenReusedIsRetriedOnceOnANewOne() throws Exception {
        // Each connection answers its first request and closes on the second, as a service whose
        // keep-alive timeout ran out just as the request went out.
        try (ScriptedBackend service = new ScriptedBackend((i, head) -> i == 0 ? KEEP_ALIVE_ANSWER : null)) {
            HttpScorer scorer = fixture.scorer(ScorerFixture.settings(url(service)));

            assertThat(fixture.score(scorer, "192.0.2.1")).isEqualTo(0.5);
            assertThat(fixture.score(scorer, "192.0.2.1")).isEqualTo(0.5);

            assertThat(service.heads()).hasSize(3);
            assertThat(service.connections()).isEqualTo(2);
        }
    }

    @Test
    void aNewConnectionClosedBeforeTheAnswerIsAnErrorWithoutRetry() throws Exception {
        try (ScriptedBackend service = new ScriptedBackend((i, head) -> null)) {
            HttpScorer scorer = fixture.scorer(ScorerFixture.settings(url(service)));

            ScorerException failure = fixture.failure(scorer, "192.0.2.1");

            assertThat(failure.kind()).isEqualTo(ScorerException.Kind.ERROR);
            assertThat(failure.getMessage()).isEqualTo("connection closed before the answer");
            assertThat(service.heads()).hasSize(1);
        }
    }

    @Test
    void anAnswerThatIsNotHttpIsAnErrorAndItsConnectionIsClosed() throws Exception {
        try (ScriptedBackend service = new ScriptedBackend((i, head) -> "SCORE 0.5\r\n\r\n")) {
            HttpScorer scorer = fixture.scorer(ScorerFixture.settings(url(service)));

            for (int i = 0; i < 2; i++) {
                ScorerException failure = fixture.failure(scorer, "192.0.2.1");
                assertThat(failure.kind()).isEqualTo(ScorerException.Kind.ERROR);
                assertThat(failure.getMessage()).startsWith("unreadable answer: ");
            }

            assertThat(service.connections()).isEqualTo(2);
        }
    }

    @Test
    void aSlowServiceTimesOutAtTheDeadlineAndItsConnectionIsClosed() {
        stub.delay(Duration.ofSeconds(5));
        HttpScorer scorer = fixture.scorer(ScorerFixture.withTimeout(
                ScorerFixture.settings(stub.url("/score_ip")), Duration.ofMillis(100)));

        long start = System.nanoTime();
        ScorerException failure = fixture.failure(scorer, "192.0.2.1");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(failure.kind()).isEqualTo(ScorerException.Kind.TIMEOUT);
        assertThat(failure.getMessage()).isEqualTo("timeout after 100ms");
        assertThat(tookMillis).as("well before the service's 5 s").isLessThan(3_000);
        assertThat(scorer.stats().timeouts()).isOne();
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> scorer.stats().openConnections() == 0);

        stub.delay(Duration.ZERO);
        assertThat(fixture.score(scorer, "192.0.2.1")).as("on a new connection").isEqualTo(0.25);
        assertThat(stub.connections()).isEqualTo(2);
    }

    @Test
    void aServiceThatIsDownIsAnError() throws Exception {
        HttpScorer scorer = fixture.scorer(ScorerFixture.settings(
                URI.create("http://127.0.0.1:" + FailureTest.deadPort() + "/score_ip")));

        ScorerException failure = fixture.failure(scorer, "192.0.2.1");

        assertThat(failure.kind()).isEqualTo(ScorerException.Kind.ERROR);
        assertThat(failure.getMessage()).startsWith("cannot connect: ");
        assertThat(scorer.stats().errors()).isOne();
    }

    @Test
    void theStageCompletesOnTheAskingRequestsEventLoop() throws Exception {
        HttpScorer scorer = fixture.scorer(ScorerFixture.settings(stub.url("/score_ip")));
        ScoreRequest request = ScorerFixture.request("192.0.2.1", fixture.loop);

        // The callback is attached on the loop before it can run anything else, so it runs on the
        // thread that completes the stage.
        CompletableFuture<Boolean> onLoop = fixture.loop.submit(
                () -> scorer.score(request).thenApply(score -> fixture.loop.inEventLoop()).toCompletableFuture())
                .get(5, TimeUnit.SECONDS);

        assertThat(onLoop.get(5, TimeUnit.SECONDS)).isTrue();
    }

    private static URI url(ScriptedBackend service) {
        return URI.create("http://127.0.0.1:" + service.port() + "/score_ip");
    }
}
