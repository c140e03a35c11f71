package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.scoring.Features;
import dev.pibl.scoring.ScoreRequest;
import dev.pibl.testing.ScoringStub;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the http scorer sends: the GET and POST shapes, as the scoring service receives them. */
class HttpScorerRequestTest {

    private final ScorerFixture fixture = new ScorerFixture();
    private final ScoringStub stub = ScoringStub.start();

    @AfterEach
    void tearDown() {
        fixture.close();
        stub.close();
    }

    @Test
    void aGetCarriesTheClientsIpInTheQueryParameter() {
        HttpScorer scorer = fixture.scorer(ScorerFixture.settings(stub.url("/score_ip")));

        assertThat(fixture.score(scorer, "203.0.113.7")).isEqualTo(0.25);

        ScoringStub.Request r = stub.requests().get(0);
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.target()).isEqualTo("/score_ip?ip=203.0.113.7");
        assertThat(r.header("Host")).isEqualTo("127.0.0.1:" + stub.port());
        assertThat(r.header("Accept")).isEqualTo("application/json");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void anIpv6AddressIsPercentEncoded() {
        HttpScorer scorer = fixture.scorer(ScorerFixture.settings(stub.url("/score_ip")));

        fixture.score(scorer, "2001:db8::1");
        fixture.score(scorer, "fe80::1%eth0");

        assertThat(stub.requests()).extracting(ScoringStub.Request::target)
                .containsExactly("/score_ip?ip=2001%3Adb8%3A%3A1", "/score_ip?ip=fe80%3A%3A1%25eth0");
    }

    @Test
    void theParameterAndFieldNamesAreConfigurableAndTheUrlsQueryIsKept() {
        stub.answer(200, "{\"score\": 0.9, \"risk\": 0.4}");
        HttpScorer scorer = fixture.scorer(new HttpScorer.Settings(stub.url("/v1/score?model=a"),
                HttpScorer.Method.GET, "client", "risk", Duration.ofSeconds(5), 4, 3, Duration.ofSeconds(1)));

        assertThat(fixture.score(scorer, "198.51.100.2")).isEqualTo(0.4);
        assertThat(stub.requests()).singleElement().extracting(ScoringStub.Request::target)
                .isEqualTo("/v1/score?model=a&client=198.51.100.2");
    }

    @Test
    void aUrlWithoutAPathAsksForTheRoot() {
        HttpScorer scorer = fixture.scorer(ScorerFixture.settings(stub.url("")));

        fixture.score(scorer, "192.0.2.1");

        assertThat(stub.requests()).singleElement().extracting(ScoringStub.Request::target)
                .isEqualTo("/?ip=192.0.2.1");
    }

    @Test
    void aPostCarriesTheIpTheKeyAndEveryFeatureByName() throws Exception {
        HttpScorer scorer = fixture.scorer(new HttpScorer.Settings(stub.url("/v1/score?model=a"),
                HttpScorer.Method.POST, "ip", "score", Duration.ofSeconds(5), 4, 3, Duration.ofSeconds(1)));
        double[] features = new double[Features.COUNT];
        for (int i = 0; i < features.length; i++) {
            features[i] = i + 0.5;
        }
        features[Features.GAP_CV] = Double.NaN;

        double score = fixture.call(scorer, new ScoreRequest("2001:db8:1:2::/64", "2001:db8:1:2::7", features,
                fixture.loop)).join();

        assertThat(score).isEqualTo(0.25);
        ScoringStub.Request r = stub.requests().get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.target()).isEqualTo("/v1/score?model=a");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.header("Accept")).isEqualTo("application/json");
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.get("ip").asText()).isEqualTo("2001:db8:1:2::7");
        assertThat(body.get("key").asText()).isEqualTo("2001:db8:1:2::/64");
        JsonNode sent = body.get("features");
        assertThat(sent.size()).isEqualTo(Features.COUNT);
        for (int i = 0; i < Features.COUNT; i++) {
            String name = Features.NAMES.get(i);
            if (i == Features.GAP_CV) {
                assertThat(sent.get(name).isNull()).as("JSON has no NaN: %s", name).isTrue();
            } else {
                assertThat(sent.get(name).isNumber()).as(name).isTrue();
                assertThat(sent.get(name).asDouble()).as(name).isEqualTo(i + 0.5);
            }
        }
    }

    @Test
    void itNamesItsKindAndTheServiceItAsks() {
        HttpScorer scorer = fixture.scorer(ScorerFixture.settings(stub.url("/score_ip")));

        assertThat(scorer.kind()).isEqualTo("http");
        assertThat(scorer.version()).isEqualTo("http://127.0.0.1:" + stub.port() + "/score_ip");
    }
}
