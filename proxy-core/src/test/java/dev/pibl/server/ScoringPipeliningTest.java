package dev.pibl.server;

import static dev.pibl.testing.ScoreConfigs.builtin;
import static dev.pibl.testing.ScoreConfigs.http;
import static dev.pibl.testing.ScoreConfigs.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.CacheConfig;
import dev.pibl.testing.LoopbackClient;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.ScoringStub;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelined requests while a score is on its way, background refreshes and admin requests: each
 * keeps its own decision, its deadline and its pool.
 */
class ScoringPipeliningTest {

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: pibl.test\r\nUser-Agent: Mozilla/5.0\r\n\r\n";
    }

    @Test
    void pipelinedRequestsHeldForTheFirstScoreAreEachLoggedWithIt() throws Exception {
        try (TestBackend main = TestBackend.start("main"); TestBackend jail = TestBackend.start("jail");
                ScoringStub scorer = ScoringStub.start()) {
            scorer.answer(200, "{\"score\": 0.93}").delay(Duration.ofMillis(200));
            try (TestProxy proxy = TestProxy.builder().backend(main).backend(jail)
                    .balancing(http(scorer.url("/score_ip").toString(), Duration.ofSeconds(2),
                            route("trusted", 0, 0.5, "main"), route("restricted", 0.5, 1, "jail")))
                    .start();
                    RawHttp client = new RawHttp("127.0.0.3", proxy.port())) {
                client.send(get("/1") + get("/2") + get("/3"));
                for (int i = 1; i <= 3; i++) {
                    assertThat(client.read().header("X-Backend")).as("request %d", i).isEqualTo("jail");
                }
                assertThat(proxy.awaitAccessLog(3)).hasSize(3)
                        .allMatch(l -> l.contains(" score=0.930 tier=restricted "));
            }
        }
    }

    @Test
    void aRequestHeldBehindAnotherWaitsNoLongerThanItsOwnDeadline() throws Exception {
        try (TestBackend main = TestBackend.start("main"); TestBackend jail = TestBackend.start("jail");
                ScoringStub scorer = ScoringStub.start()) {
            scorer.hold(); // never answers in time
            try (TestProxy proxy = TestProxy.builder().backend(main).backend(jail)
                    .balancing(http(scorer.url("/score_ip").toString(), Duration.ofMillis(400),
                            route("trusted", 0, 0.5, "main"), route("restricted", 0.5, 1, "jail")))
                    .start();
                    RawHttp client = new RawHttp("127.0.0.3", proxy.port())) {
                StringBuilder twelve = new StringBuilder();
                for (int i = 1; i <= 12; i++) {
                    twelve.append(get("/" + i));
                }
                long start = System.nanoTime();
                client.send(twelve.toString());
                for (int i = 1; i <= 12; i++) {
                    assertThat(client.read().header("X-Backend")).as("request %d", i).isEqualTo("main");
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                // All arrived together, so all are due at 400 ms; a second wait would take 800.
                assertThat(millis).isBetween(400L, 780L);
                assertThat(proxy.awaitAccessLog(12)).allMatch(l -> l.contains("tier=trusted(fallback)"));
                assertThat(proxy.server().scoring().stats().fallbacks()).isEqualTo(12);
            } finally {
                scorer.release();
            }
        }
    }

    /** Every answer may be served stale for a minute once a second old, and names its backend. */
    private static TestBackend.Responder staleWhileRevalidate(String name) {
        return (ctx, req, b) -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            r.headers().set("Content-Length", body.length).set("X-Backend", name)
                    .set("Cache-Control", "max-age=1, stale-while-revalidate=60");
            ctx.writeAndFlush(r);
        };
    }

    @Test
    void aBackgroundRefreshStaysInThePoolOfTheClientsTier(@TempDir Path dir) throws Exception {
        try (TestBackend main = TestBackend.start("main", staleWhileRevalidate("main"));
                TestBackend jail = TestBackend.start("jail", staleWhileRevalidate("jail"));
                TestProxy proxy = TestProxy.builder().backend(main).backend(jail).cache(CacheConfig.defaults(dir))
                        .balancing(builtin(route("trusted", 0, 0.5, "main"), route("restricted", 0.5, 1, "jail")))
                        .start();
                LoopbackClient polite = new LoopbackClient("127.0.0.2", proxy.port(), "Mozilla/5.0")) {
            for (int i = 0; i < 4; i++) {
                polite.get("/p" + i);
            }
            Thread.sleep(2100); // stale now
            List<String> verdicts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                verdicts.add(polite.get("/p" + i).header("X-Cache"));
            }
            assertThat(verdicts).containsOnly("STALE");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> main.requests().size() == 8);
            assertThat(jail.requests()).as("the trusted client's refreshes stay on the trusted pool").isEmpty();
        }
    }

    @Test
    void aPipelinedAdminRequestWaitsForTheSlowAnswerBeforeIt() throws Exception {
        try (TestBackend main = TestBackend.start("main");
                TestProxy proxy = TestProxy.builder().backend(main).admin("")
                        .balancing(builtin(route("trusted", 0, 1, "main"))).start();
                LoopbackClient client = new LoopbackClient("127.0.0.2", proxy.port(), "Mozilla/5.0")) {
            client.get("/");
            try (RawHttp admin = new RawHttp(proxy.server().adminAddress().getPort())) {
                admin.send("GET /admin/clients?top=5 HTTP/1.1\r\nHost: a\r\n\r\n"
                        + "GET /admin/scoring HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(admin.read().bodyText()).contains("\"top\":[{\"key\":\"127.0.0.2\"");
                assertThat(admin.read().bodyText()).contains("\"routed\":{\"trusted\":1}");
            }
        }
    }
}
