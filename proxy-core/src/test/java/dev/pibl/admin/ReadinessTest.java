package dev.pibl.admin;

import static dev.pibl.testing.ScoreConfigs.builtin;
import static dev.pibl.testing.ScoreConfigs.deny;
import static dev.pibl.testing.ScoreConfigs.route;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pibl.testing.HealthConfigs;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/ready} says whether to send traffic; {@code /admin/health} only that PIBL runs. */
class ReadinessTest {

    @Test
    void readyUntilEveryBackendIsOutThenNotReadySayingWhy() throws Exception {
        try (TestBackend one = TestBackend.start("node-1");
             TestBackend two = TestBackend.start("node-2");
             TestProxy proxy = TestProxy.builder().backend(one).backend(two)
                     .health(HealthConfigs.passive(1, Duration.ofSeconds(30), 100, false)).admin("").start();
             RawHttp client = new RawHttp(proxy.port())) {
            AdminClient admin = new AdminClient(proxy);
            assertThat(admin.json("/admin/ready", 200).get("status").asText()).isEqualTo("ready");

            one.close();
            two.close();
            // Each request fails on one backend, which is ejected, and on the other: both are out.
            assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(502);

            JsonNode notReady = admin.json("/admin/ready", 503);
            assertThat(notReady.get("status").asText()).isEqualTo("not-ready");
            assertThat(notReady.get("reason").asText()).isEqualTo("no backend available: node-1 ejected, node-2 ejected");
            assertThat(admin.json("/admin/health", 200).get("status").asText()).as("still alive").isEqualTo("ok");
            assertThat(admin.json("/admin/status", 200).get("ready").asBoolean()).isFalse();
        }
    }

    @Test
    void withScoreBalancingOnlyBackendsInATiersPoolCount() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        try (TestBackend unpooled = TestBackend.start("spare");
             TestProxy proxy = TestProxy.builder().backend("pooled", dead, 1).backend(unpooled)
                     .health(HealthConfigs.passive(1, Duration.ofSeconds(30), 100, false))
                     .balancing(builtin(route("trusted", 0, 0.5, "pooled"), deny("abusive", 0.5)))
                     .admin("").start();
             RawHttp client = new RawHttp(proxy.port())) {
            AdminClient admin = new AdminClient(proxy);
            assertThat(admin.get("/admin/ready").statusCode()).isEqualTo(200);

            assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(502);

            assertThat(admin.json("/admin/ready", 503).get("reason").asText())
                    .as("spare is up but no tier routes to it").isEqualTo("no backend available: pooled ejected");
        }
    }

    @Test
    void notReadyWhileDraining() throws Exception {
        AtomicReference<Runnable> answer = new AtomicReference<>();
        CountDownLatch held = new CountDownLatch(1);
        TestBackend.Responder hold = (ChannelHandlerContext ctx, FullHttpRequest req, TestBackend b) -> {
            req.retain();
            answer.set(() -> ctx.executor().execute(() -> {
                b.reply(ctx, req, HttpResponseStatus.OK, "late");
                req.release();
            }));
            held.countDown();
        };
        try (TestBackend backend = TestBackend.start("node-1", hold);
             TestProxy proxy = TestProxy.builder().backend(backend).drainTimeout(Duration.ofSeconds(10)).admin("")
                     .start();
             RawHttp busy = new RawHttp(proxy.port())) {
            AdminClient admin = new AdminClient(proxy);
            busy.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(proxy.server()::stop);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/admin/ready").statusCode() == 503);
            assertThat(admin.json("/admin/ready", 503).get("reason").asText()).isEqualTo("draining: PIBL is shutting down");

            answer.get().run();
            assertThat(busy.read().bodyText()).isEqualTo("late");
            stopped.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyMonitoringPathWantsTheTokenWhenOneIsSet() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).admin("s3cret-token-0123456789").start()) {
            AdminClient anonymous = new AdminClient(proxy);
            AdminClient wrong = new AdminClient(proxy, "guess");
            AdminClient operator = new AdminClient(proxy, "s3cret-token-0123456789");
            for (String path : new String[] {"/metrics", "/admin/ready", "/admin/status"}) {
                assertThat(anonymous.get(path).statusCode()).as(path).isEqualTo(401);
                assertThat(wrong.get(path).statusCode()).as(path).isEqualTo(401);
                assertThat(operator.get(path).statusCode()).as(path).isEqualTo(200);
            }
        }
    }
}
