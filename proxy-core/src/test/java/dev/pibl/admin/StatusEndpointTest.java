package dev.pibl.admin;

import static dev.pibl.testing.ScoreConfigs.builtin;
import static dev.pibl.testing.ScoreConfigs.deny;
import static dev.pibl.testing.ScoreConfigs.route;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pibl.testing.HealthConfigs;
import dev.pibl.testing.LoopbackClient;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/status}: the dashboard's JSON, in the documented shape, matching the traffic. */
class StatusEndpointTest {

    private static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void showsEachBackendsTrafficAndTheErrorsItCaused() throws Exception {
        try (TestBackend one = TestBackend.start("node-1");
             TestBackend two = TestBackend.start("node-2");
             TestProxy proxy = TestProxy.builder().backend(one).backend(two).backend("node-3", deadPort(), 1)
                     .maxTries(1).health(HealthConfigs.noEjection()).admin("").start()) {
            String lastFailure = null;
            for (int i = 0; i < 6; i++) { // round-robin: node-1, node-2, node-3 (refuses: 502), ...
                HttpResponse<String> r = proxy.get("/page");
                if (r.statusCode() == 502) {
                    lastFailure = r.headers().firstValue("X-Request-Id").orElseThrow();
                }
            }

            JsonNode status = new AdminClient(proxy).json("/admin/status", 200);

            assertThat(names(status)).startsWith("version", "uptimeSeconds", "generation", "listening", "ready",
                    "policy", "totals", "backends", "cache", "scoring", "recentErrors");
            assertThat(status.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
            assertThat(status.get("uptimeSeconds").isNumber()).isTrue();
            assertThat(status.get("generation").asInt()).isEqualTo(1);
            assertThat(status.get("listening").asText()).isEqualTo("127.0.0.1:" + proxy.port());
            assertThat(status.get("ready").asBoolean()).isTrue();
            assertThat(status.get("policy").asText()).isEqualTo("round-robin");

            JsonNode totals = status.get("totals");
            assertThat(names(totals)).contains("requests", "requestsPerSecond", "errorsPerSecond", "clientConnections",
                    "upstreamConnections", "bytesIn", "bytesOut", "p50Millis", "p99Millis");
            assertThat(totals.get("requests").asLong()).isEqualTo(6);
            assertThat(totals.get("requestsPerSecond").asDouble()).as("6 requests in the last seconds").isPositive();
            assertThat(totals.get("errorsPerSecond").asDouble()).isPositive();
            assertThat(totals.get("p99Millis").asDouble()).isPositive();
            assertThat(totals.get("upstreamConnections").asLong()).as("one idle keep-alive each to node-1 and node-2")
                    .isBetween(2L, 4L);
            assertThat(totals.get("bytesOut").asLong()).isPositive();

            JsonNode backends = status.get("backends");
            assertThat(backends).extracting(b -> b.get("name").asText()).containsExactly("node-1", "node-2", "node-3");
            JsonNode first = backends.get(0);
            assertThat(names(first)).containsExactly("name", "url", "weight", "health", "inFlight", "requests",
                    "requestsPerSecond", "p99Millis", "errors", "connectErrors", "pool");
            assertThat(first.get("url").asText()).isEqualTo(one.url());
            assertThat(first.get("weight").asInt()).isEqualTo(1);
            assertThat(first.get("health").asText()).isEqualTo("up");
            assertThat(first.get("inFlight").asInt()).isZero();
            assertThat(first.get("pool").get("active").asInt()).isZero();
            assertThat(first.get("pool").get("idle").asInt()).isPositive();
            assertThat(backends).extracting(b -> b.get("requests").asLong()).containsExactly(2L, 2L, 2L);
            assertThat(backends).extracting(b -> b.get("errors").asLong()).containsExactly(0L, 0L, 2L);
            assertThat(backends).extracting(b -> b.get("connectErrors").asLong()).containsExactly(0L, 0L, 2L);
            assertThat(first.get("requestsPerSecond").asDouble()).isPositive();

            JsonNode errors = status.get("recentErrors");
            assertThat(errors).hasSize(2);
            JsonNode newest = errors.get(0);
            assertThat(names(newest)).containsExactly("time", "requestId", "status", "method", "uri", "backend", "reason");
            assertThat(newest.get("requestId").asText()).isEqualTo(lastFailure);
            assertThat(newest.get("status").asInt()).isEqualTo(502);
            assertThat(newest.get("method").asText()).isEqualTo("GET");
            assertThat(newest.get("uri").asText()).isEqualTo("/page");
            assertThat(newest.get("backend").asText()).isEqualTo("node-3");
            assertThat(newest.get("reason").asText()).isEqualTo("could not connect to backend node-3");
            assertThat(newest.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

            JsonNode cache = status.get("cache");
            assertThat(cache.get("enabled").asBoolean()).isFalse();
            assertThat(cache.get("hits").asLong()).isZero();
            assertThat(names(cache)).contains("misses", "stale", "hitRatio", "memoryEntries", "memoryBytes",
                    "diskEntries", "diskBytes");
            JsonNode scoring = status.get("scoring");
            assertThat(scoring.get("enabled").asBoolean()).isFalse();
            assertThat(scoring.get("tiers")).isEmpty();
            assertThat(scoring.get("topClients")).isEmpty();
        }
    }

    @Test
    void withScoreBalancingItListsTiersAndTheTopClients() throws Exception {
        try (TestBackend main = TestBackend.start("main");
             TestProxy proxy = TestProxy.builder().backend(main).admin("")
                     .balancing(builtin(route("trusted", 0, 0.5, "main"), deny("abusive", 0.5))).start();
             LoopbackClient client = new LoopbackClient("127.0.0.7", proxy.port(), "Mozilla/5.0")) {
            for (int i = 0; i < 12; i++) {
                client.get("/page/" + i);
            }

            JsonNode status = new AdminClient(proxy).json("/admin/status", 200);

            assertThat(status.get("policy").asText()).isEqualTo("score");
            JsonNode scoring = status.get("scoring");
            assertThat(scoring.get("enabled").asBoolean()).isTrue();
            assertThat(scoring.get("tiers")).extracting(t -> t.get("name").asText()).containsExactly("trusted", "abusive");
            assertThat(scoring.get("tiers")).extracting(t -> t.get("action").asText()).containsExactly("route", "deny");
            assertThat(scoring.get("tiers").get(0).get("requests").asLong()).isEqualTo(12);
            JsonNode top = scoring.get("topClients");
            assertThat(top).hasSize(1);
            assertThat(names(top.get(0))).containsExactly("key", "score", "tier", "requests");
            assertThat(top.get(0).get("key").asText()).isEqualTo("127.0.0.7");
            assertThat(top.get(0).get("tier").asText()).isEqualTo("trusted");
            assertThat(top.get(0).get("requests").asLong()).isEqualTo(12);
        }
    }
}
