package dev.pibl.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.logging.CompletedExchange;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each exchange counted once, by backend and status class, with its latency and, if it failed, why. */
class TrafficMetersTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TrafficMeters meters = new TrafficMeters(registry,
            Clock.fixed(Instant.parse("2026-11-22T13:19:40.123Z"), ZoneOffset.UTC));

    private record Exchange(String requestId, String method, String uri, int status, String backend,
            long durationNanos, long upstreamHeadNanos, long bytesIn, long bytesOut, String cacheVerdict,
            String aborted, String failure) implements CompletedExchange {
    }

    private static Exchange ok(String backend, long millis) {
        return new Exchange("id", "GET", "/", 200, backend, TimeUnit.MILLISECONDS.toNanos(millis),
                backend == null ? -1 : TimeUnit.MILLISECONDS.toNanos(millis) / 2, 10, 100, null, null, null);
    }

    private double requests(String backend, String status) {
        return registry.get("pibl.requests").tag("backend", backend).tag("status", status).functionCounter().count();
    }

    @Test
    void countsByBackendAndStatusClassWithNoneForAnswersWithoutABackend() {
        meters.completed(ok("node-1", 2));
        meters.completed(ok("node-1", 3));
        meters.completed(ok(null, 1));
        meters.completed(new Exchange("id-9", "GET", "/x", 503, null, 1000, -1, 0, 50, null, null,
                "no healthy backend"));

        assertThat(requests("node-1", "2xx")).isEqualTo(2);
        assertThat(requests("none", "2xx")).isEqualTo(1);
        assertThat(requests("none", "5xx")).isEqualTo(1);
        assertThat(meters.requests("node-1")).isEqualTo(2);
        assertThat(meters.errors("none")).isEqualTo(1);
        assertThat(meters.bytesIn()).isEqualTo(30);
        assertThat(meters.bytesOut()).isEqualTo(350);
        Timer head = registry.get("pibl.upstream.response.head").tag("backend", "node-1").timer();
        assertThat(head.count()).isEqualTo(2);
        assertThat(head.totalTime(TimeUnit.MICROSECONDS)).isEqualTo(2500);
        assertThat(registry.find("pibl.upstream.response.head").tag("backend", "none").timer())
                .as("no backend, no upstream time").isNull();
    }

    @Test
    void errorsAreRememberedWithTheReasonPiblGaveOrOneSaidForIt() {
        meters.completed(new Exchange("a", "GET", "/a", 502, "node-3", 1000, -1, 0, 0, null, null,
                "could not connect to backend node-3"));
        meters.completed(new Exchange("b", "POST", "/b", 500, "node-1", 1000, 500, 0, 0, null, null, null));
        meters.completed(new Exchange("c", "GET", "/c", 499, "node-2", 1000, -1, 0, 0, null, "client-closed", null));
        meters.completed(ok("node-1", 1));

        assertThat(meters.recentErrors()).extracting(RecentErrors.Entry::reason).containsExactly(
                "the client closed the connection before the response",
                "backend node-1 answered 500",
                "could not connect to backend node-3");
        RecentErrors.Entry first = meters.recentErrors().get(2);
        assertThat(first.time()).isEqualTo(Instant.parse("2026-11-22T13:19:40.123Z"));
        assertThat(first.status()).isEqualTo(502);
        assertThat(first.backend()).isEqualTo("node-3");
        FunctionCounter aborted = registry.get("pibl.requests.aborted").tag("backend", "node-2")
                .tag("reason", "client-closed").functionCounter();
        assertThat(aborted.count()).isEqualTo(1);
        assertThat(requests("node-2", "4xx")).as("499 is a 4xx").isEqualTo(1);
    }

    @Test
    void countsForTheWindowSplitTheHistogramIntoBuckets() {
        meters.completed(ok("node-1", 0)); // 0 ms: first bucket
        meters.completed(ok("node-1", 3)); // (2.5, 5]
        meters.completed(ok("node-1", 3));
        meters.completed(ok("node-1", 60_000)); // beyond 10 s: overflow
        SlidingWindow.Counts c = meters.counts("node-1");
        long[] expected = new long[LatencyBuckets.size()];
        expected[0] = 1;
        expected[3] = 2;
        expected[expected.length - 1] = 1;
        assertThat(c.requests()).isEqualTo(4);
        assertThat(Arrays.stream(c.buckets()).sum()).isEqualTo(4);
        assertThat(c.buckets()).containsExactly(expected);
    }
}
