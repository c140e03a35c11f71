package dev.pibl.server;

import static dev.pibl.testing.ScoreConfigs.http;
import static dev.pibl.testing.ScoreConfigs.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.LoopbackClient;
import dev.pibl.testing.ScoringStub;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The original design's shape: an external service answers {@code GET /score_ip?ip=} with
 * {@code {"score": …}}, and PIBL routes by it; slow or down, requests go to the fallback tier
 * within the deadline.
 */
class HttpScoringEndToEndTest {

    private TestBackend main;
    private TestBackend jail;
    private ScoringStub scorer;

    @BeforeEach
    void start() throws InterruptedException {
        main = TestBackend.start("main");
        jail = TestBackend.start("jail");
        scorer = ScoringStub.start();
    }

    @AfterEach
    void stop() {
        scorer.close();
        main.close();
        jail.close();
    }

    private TestProxy proxy(Duration timeout) throws InterruptedException {
        return TestProxy.builder().backend(main).backend(jail)
                .balancing(http(scorer.url("/score_ip").toString(), timeout,
                        route("trusted", 0, 0.5, "main"), route("restricted", 0.5, 1, "jail")))
                .start();
    }

    @Test
    void theServicesScoreRoutesTheClientFromItsFirstRequest() throws Exception {
        scorer.answer(200, "{\"score\": 0.93}");
        try (TestProxy proxy = proxy(Duration.ofSeconds(2));
                LoopbackClient client = new LoopbackClient("127.0.0.3", proxy.port(), "Mozilla/5.0")) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.get("/").status()).isEqualTo(200);
            }
            assertThat(client.answeredBy()).containsOnly("jail");
            List<ScoringStub.Request> asked = scorer.requests();
            assertThat(asked).as("one call: the score is cached, the next refresh is 10 requests away").hasSize(1);
            assertThat(asked.get(0).method()).isEqualTo("GET");
            assertThat(asked.get(0).target()).isEqualTo("/score_ip?ip=127.0.0.3");
            assertThat(proxy.awaitAccessLog(5)).allMatch(l -> l.contains(" score=0.930 tier=restricted model=http://127.0.0.1:"
                    + scorer.port() + "/score_ip"));
        }
    }

    @Test
    void aClientChangesTierOnlyWhenItsScorePassesTheBoundaryByTheMargin() throws Exception {
        scorer.answer(200, "{\"score\": 0.45}");
        try (TestProxy proxy = proxy(Duration.ofSeconds(2));
                LoopbackClient client = new LoopbackClient("127.0.0.3", proxy.port(), "Mozilla/5.0")) {
            assertThat(client.get("/").status()).isEqualTo(200);
            // Boundary 0.5, margin 0.05: up only from 0.55, back down only below 0.45.
            assertThat(rescored(proxy, client, 0.52)).isEqualTo("main");
            assertThat(rescored(proxy, client, 0.56)).isEqualTo("jail");
            assertThat(rescored(proxy, client, 0.47)).isEqualTo("jail");
            assertThat(rescored(proxy, client, 0.44)).isEqualTo("main");
            assertThat(proxy.server().scoring().stats().tierChanges()).isEqualTo(2);
        }
    }

    /**
     * Has the service answer {@code score} from now on, makes the client's next refresh happen
     * (ten more requests), waits until the new score is the client's, and says which backend
     * answered the request after that.
     */
    private String rescored(TestProxy proxy, LoopbackClient client, double score) throws Exception {
        scorer.answer(200, "{\"score\": " + score + "}");
        for (int i = 0; i < 10; i++) {
            client.get("/");
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> proxy.server().scoring().report("127.0.0.3").score().score() == score);
        client.get("/");
        List<String> answered = client.answeredBy();
        return answered.get(answered.size() - 1);
    }

    @Test
    void aSlowServiceCostsARequestNoMoreThanTheDeadline() throws Exception {
        scorer.hold(); // answers nothing until released
        try (TestProxy proxy = proxy(Duration.ofMillis(100));
                LoopbackClient client = new LoopbackClient("127.0.0.3", proxy.port(), "Mozilla/5.0")) {
            long start = System.nanoTime();
            assertThat(client.get("/").status()).isEqualTo(200);
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(waitedMillis).as("waited for the score, then gave up").isBetween(100L, 5_000L);
            assertThat(client.answeredBy()).containsExactly("main");
            assertThat(proxy.awaitAccessLog(1).get(0)).contains(" score=- tier=trusted(fallback) model=-");
            assertThat(proxy.server().scoring().stats().timeouts()).isEqualTo(1);
        } finally {
            scorer.release();
        }
    }

    @Test
    void aServiceThatIsDownOpensTheCircuitAndEveryRequestStillGoesThrough() throws Exception {
        scorer.close(); // nothing listens any more
        try (TestProxy proxy = proxy(Duration.ofMillis(500))) {
            // Each new client asks the service once; five failures in a row open the circuit.
            for (int i = 0; i < 8; i++) {
                try (LoopbackClient client = new LoopbackClient("127.0.0." + (10 + i), proxy.port(), "Mozilla/5.0")) {
                    assertThat(client.get("/").status()).isEqualTo(200);
                    assertThat(client.answeredBy()).containsExactly("main");
                }
            }
            var stats = proxy.server().scoring().stats();
            assertThat(stats.errors()).isEqualTo(5);
            assertThat(stats.circuitOpen()).isEqualTo(3);
            assertThat(stats.fallbacks()).isEqualTo(8);
        }
    }
}
