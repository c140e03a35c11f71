package dev.pibl.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.CacheConfig;
import dev.pibl.testing.HealthConfigs;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} after known traffic: 30 requests round-robin over three backends (two of
 * which answer 500 for {@code /fail}) and three cache hits, read back in Prometheus's text format.
 */
class MetricsEndpointTest {

    private static final List<String> BACKENDS = List.of("node-1", "node-2", "node-3");

    @TempDir
    Path dir;

    /** 500 for /fail from node-1 and node-2; /cached may be cached; nothing else may. */
    private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, TestBackend b) {
        boolean fail = req.uri().equals("/fail") && !b.name().equals("node-3");
        byte[] body = b.name().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                fail ? HttpResponseStatus.INTERNAL_SERVER_ERROR : HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
        r.headers().set("X-Backend", b.name()).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, req.uri().equals("/cached") && !fail ? "max-age=60" : "no-store");
        ctx.writeAndFlush(r);
    }

    private static int get(RawHttp client, String path) throws IOException {
        return client.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").read().status();
    }

    @Test
    void countsEachExchangeByBackendAndStatusClassWithHistogramsThatAddUp() throws Exception {
        try (TestBackend one = TestBackend.start("node-1", MetricsEndpointTest::respond);
             TestBackend two = TestBackend.start("node-2", MetricsEndpointTest::respond);
             TestBackend three = TestBackend.start("node-3", MetricsEndpointTest::respond);
             TestProxy proxy = TestProxy.builder().backend(one).backend(two).backend(three)
                     .health(HealthConfigs.noEjection()).cache(CacheConfig.defaults(dir.resolve("cache")))
                     .admin("").start();
             RawHttp client = new RawHttp(proxy.port())) {
            // Picks 1-12: eleven plain requests and the miss that stores /cached; picks 13-18, two
            // whole round-robin cycles, fail on node-1 and node-2 twice each; then twelve more.
            for (int i = 0; i < 11; i++) {
                assertThat(get(client, "/")).isEqualTo(200);
            }
            assertThat(get(client, "/cached")).isEqualTo(200);
            for (int i = 0; i < 6; i++) {
                get(client, "/fail");
            }
            for (int i = 0; i < 12; i++) {
                assertThat(get(client, "/")).isEqualTo(200);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(get(client, "/cached")).as("a hit: no backend").isEqualTo(200);
            }

            PrometheusText m = new AdminClient(proxy).metrics();

            for (String b : BACKENDS) {
                assertThat(m.sum("pibl_requests_total", "backend", b)).as(b).isEqualTo(10);
                assertThat(m.value("pibl_request_duration_seconds_bucket", "backend", b, "le", "+Inf")).isEqualTo(10);
                assertThat(m.value("pibl_request_duration_seconds_count", "backend", b)).isEqualTo(10);
                assertThat(m.value("pibl_upstream_response_head_seconds_bucket", "backend", b, "le", "+Inf"))
                        .isEqualTo(10);
                assertThat(m.value("pibl_backend_available", "backend", b)).isEqualTo(1);
            }
            assertThat(m.value("pibl_requests_total", "backend", "node-1", "status", "5xx")).isEqualTo(2);
            assertThat(m.value("pibl_requests_total", "backend", "node-2", "status", "5xx")).isEqualTo(2);
            assertThat(m.value("pibl_requests_total", "backend", "node-3", "status", "5xx")).isZero();
            assertThat(m.value("pibl_requests_total", "backend", "node-3", "status", "2xx")).isEqualTo(10);
            assertThat(m.value("pibl_requests_total", "backend", "none", "status", "2xx")).as("cache hits").isEqualTo(3);
            assertThat(m.value("pibl_request_duration_seconds_bucket", "backend", "none", "le", "+Inf")).isEqualTo(3);
            assertThat(m.sum("pibl_request_duration_seconds_bucket", "le", "+Inf")).isEqualTo(33);
            assertThat(m.find("pibl_request_duration_seconds_bucket", "backend", "node-1"))
                    .as("SLO buckets from half a millisecond to ten seconds, and +Inf")
                    .extracting(s -> s.labels().get("le")).contains("5.0E-4", "0.001", "0.1", "1.0", "10.0", "+Inf");
            assertThat(m.value("pibl_client_sent_bytes_total")).isEqualTo(33 * 6);
            assertThat(m.value("pibl_client_connections")).isEqualTo(1);
            assertThat(m.value("pibl_cache_lookups_total", "result", "hit")).isEqualTo(3);
            assertThat(m.value("pibl_cache_stores_total")).isEqualTo(1);
            assertThat(m.value("pibl_cache_entries", "tier", "memory")).isEqualTo(1);
            assertThat(m.value("pibl_upstream_connections", "backend", "node-1", "state", "idle")).isEqualTo(1);
            assertThat(m.value("pibl_upstream_connections", "backend", "node-1", "state", "in-use")).isZero();
            assertThat(m.has("jvm_memory_used_bytes")).isTrue();
            assertThat(m.has("jvm_gc_pause_seconds_count") || m.has("jvm_gc_memory_allocated_bytes_total")).isTrue();
            assertThat(m.has("process_uptime_seconds")).isTrue();
        }
    }

    @Test
    void aStoppedBackendIsEjectedRetriedAroundAndShownDown() throws Exception {
        try (TestBackend one = TestBackend.start("node-1");
             TestBackend two = TestBackend.start("node-2");
             TestBackend three = TestBackend.start("node-3");
             TestProxy proxy = TestProxy.builder().backend(one).backend(two).backend(three)
                     .health(HealthConfigs.passive(1, Duration.ofSeconds(30), 50, false)).admin("").start();
             RawHttp client = new RawHttp(proxy.port())) {
            for (int i = 0; i < 3; i++) {
                assertThat(get(client, "/")).isEqualTo(200);
            }
            AdminClient admin = new AdminClient(proxy);
            assertThat(admin.metrics().value("pibl_backend_available", "backend", "node-3")).isEqualTo(1);

            three.close();
            for (int i = 0; i < 3; i++) {
                assertThat(get(client, "/")).as("retried on another backend").isEqualTo(200);
            }

            PrometheusText m = admin.metrics();
            assertThat(m.value("pibl_backend_available", "backend", "node-3")).isZero();
            assertThat(m.value("pibl_backend_ejected", "backend", "node-3")).isEqualTo(1);
            assertThat(m.value("pibl_backend_down", "backend", "node-3")).as("no active checks: not down").isZero();
            assertThat(m.value("pibl_backend_available", "backend", "node-1")).isEqualTo(1);
            assertThat(m.value("pibl_upstream_connect_errors_total", "backend", "node-3")).isEqualTo(1);
            assertThat(m.value("pibl_retries_total")).isEqualTo(1);
            assertThat(m.value("pibl_retry_budget_refusals_total")).isZero();
            assertThat(m.value("pibl_ready")).isEqualTo(1);
        }
    }
}
