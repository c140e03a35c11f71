package dev.pibl.server;

import static dev.pibl.testing.ScoreConfigs.builtin;
import static dev.pibl.testing.ScoreConfigs.route;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.testing.LoopbackClient;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Clients behind a trusted proxy, told apart by X-Forwarded-For (and not fooled by it from anyone
 * else), and what the admin API shows of them.
 */
class ScoringAdminTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void clientsBehindATrustedProxyAreScoredApartAndShownByTheAdminApi() throws Exception {
        try (TestBackend main = TestBackend.start("main"); TestBackend jail = TestBackend.start("jail");
                TestProxy proxy = TestProxy.builder().backend(main).backend(jail).trustedProxies("127.0.0.1")
                        .admin("")
                        .balancing(builtin(route("trusted", 0, 0.5, "main"), route("restricted", 0.5, 1, "jail")))
                        .start()) {
            // The load balancer in front (127.0.0.1, trusted) forwards a flooder and a polite client;
            // a third client (127.0.0.5, not trusted) claims to be the polite one.
            try (LoopbackClient flooder = new LoopbackClient("127.0.0.1", proxy.port(), null)
                            .header("X-Forwarded-For: 198.51.100.7");
                    LoopbackClient spoofer = new LoopbackClient("127.0.0.5", proxy.port(), null)
                            .header("X-Forwarded-For: 198.51.100.8");
                    LoopbackClient polite = new LoopbackClient("127.0.0.1", proxy.port(), "Mozilla/5.0")
                            .header("X-Forwarded-For: 203.0.113.9, 198.51.100.8")) {
                for (int i = 0; i < 200; i++) {
                    flooder.get("/");
                    spoofer.get("/");
                    if (i % 40 == 0) {
                        polite.get("/page/" + i);
                    }
                }
                assertThat(flooder.answeredBy()).endsWith("jail", "jail", "jail");
                assertThat(spoofer.answeredBy()).endsWith("jail", "jail", "jail");
                assertThat(polite.answeredBy()).containsOnly("main");
            }
            String admin = "http://127.0.0.1:" + proxy.server().adminAddress().getPort();

            JsonNode flooder = json(admin + "/admin/clients/198.51.100.7", 200);
            assertThat(flooder.get("key").asText()).isEqualTo("198.51.100.7");
            assertThat(flooder.get("tier").asText()).isEqualTo("restricted");
            assertThat(flooder.get("score").asDouble()).isGreaterThan(0.5);
            assertThat(flooder.get("model").asText()).isEqualTo("behaviour-handset-1");
            assertThat(flooder.get("requests").asLong()).isEqualTo(200);
            assertThat(flooder.get("features").get("rate_1s").asDouble()).isGreaterThan(20);
            assertThat(flooder.get("topFeatures")).isNotEmpty();
            assertThat(flooder.get("lastScorerError").isNull()).isTrue();

            // The spoofed header was not believed: the polite client has only its own 5 requests.
            JsonNode polite = json(admin + "/admin/clients/198.51.100.8", 200);
            assertThat(polite.get("requests").asLong()).isEqualTo(5);
            assertThat(polite.get("tier").asText()).isEqualTo("trusted");
            assertThat(json(admin + "/admin/clients/127.0.0.5", 200).get("requests").asLong()).isEqualTo(200);

            JsonNode top = json(admin + "/admin/clients?top=2", 200);
            assertThat(top.get("clients").asLong()).isEqualTo(3);
            assertThat(top.get("top")).hasSize(2);
            assertThat(top.get("top").findValuesAsText("key")).containsExactlyInAnyOrder("198.51.100.7", "127.0.0.5");

            JsonNode stats = json(admin + "/admin/scoring", 200);
            assertThat(stats.get("routed").get("trusted").asLong() + stats.get("routed").get("restricted").asLong())
                    .isEqualTo(405);
            assertThat(stats.get("tierChanges").asLong()).isEqualTo(2);
            assertThat(stats.get("scorer").get("kind").asText()).isEqualTo("builtin");

            assertThat(json(admin + "/admin/clients/not-an-address", 400).get("error").asText())
                    .startsWith("not an IP address: not-an-address");
            assertThat(json(admin + "/admin/clients/192.0.2.1", 404).get("error").asText())
                    .contains("no client 192.0.2.1 is tracked");
            assertThat(json(admin + "/admin/clients?top=0", 400).get("error").asText())
                    .isEqualTo("top=0 (expected: one whole number from 1 to 1000)");
        }
    }

    @Test
    void scoringEndpointsSayWhenThePolicyIsOff() throws Exception {
        try (TestBackend main = TestBackend.start("main");
                TestProxy proxy = TestProxy.builder().backend(main).admin("").start()) {
            String admin = "http://127.0.0.1:" + proxy.server().adminAddress().getPort();
            assertThat(json(admin + "/admin/clients?top=5", 404).get("error").asText())
                    .isEqualTo("score-based balancing is off (balancing.policy: score turns it on)");
        }
    }

    private JsonNode json(String url, int expectedStatus) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + " -> " + r.body()).isEqualTo(expectedStatus);
        return JSON.readTree(r.body());
    }
}
