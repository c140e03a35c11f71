package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.HealthConfig;
import dev.pibl.testing.HealthConfigs;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Passive ejection, no-backend 503s, panic mode and active checks, over real sockets. */
class HealthEndToEndTest {

    private static HealthConfig passive(int failures, int maxEjectedPercent, boolean panic) {
        return HealthConfigs.passive(failures, Duration.ofSeconds(30), maxEjectedPercent, panic);
    }

    @Test
    void aBackendAnswering5xxIsEjectedAndTrafficGoesToTheOthers() throws Exception {
        try (TestBackend bad = TestBackend.start("bad", (ctx, req, b) ->
                     b.reply(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "oops"));
             TestBackend good = TestBackend.start("good");
             TestProxy proxy = TestProxy.builder().backend(bad).backend(good).health(passive(2, 50, false)).start();
             RawHttp client = new RawHttp(proxy.port())) {
            int ok = 0;
            for (int i = 0; i < 12; i++) {
                ok += client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status() == 200 ? 1 : 0;
            }
            assertThat(bad.requests()).as("two 5xx in a row, then ejected").hasSize(2);
            assertThat(ok).isEqualTo(10);
        }
    }

    @Test
    void whenNoBackendIsAvailableClientsGet503WithRetryAfter() throws Exception {
        try (TestProxy proxy = TestProxy.builder().backend("a", FailureTest.deadPort(), 1)
                     .backend("b", FailureTest.deadPort(), 1).health(passive(1, 100, false)).start();
             RawHttp client = new RawHttp(proxy.port())) {
            assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(502);
            RawHttp.Response r = client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(503);
            assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 30L);
            assertThat(r.bodyText()).contains("no healthy backend");
        }
    }

    @Test
    void panicModeStillTriesTheBackendsWhenAllAreOut() throws Exception {
        try (TestProxy proxy = TestProxy.builder().backend("a", FailureTest.deadPort(), 1)
                     .health(passive(1, 100, true)).start();
             RawHttp client = new RawHttp(proxy.port())) {
            assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(502);
            assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
                    .as("tried anyway, so the backend's failure shows, not 503").isEqualTo(502);
        }
    }

    @Test
    void activeChecksTakeAFailingBackendOutAndBringItBack() throws Exception {
        AtomicBoolean sick = new AtomicBoolean();
        TestBackend.Responder withHealth = (ctx, req, b) -> {
            boolean failing = req.uri().equals("/health") && sick.get() && b.name().equals("flaky");
            b.reply(ctx, req, failing ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK, b.name());
        };
        try (TestBackend flaky = TestBackend.start("flaky", withHealth);
             TestBackend steady = TestBackend.start("steady", withHealth);
             TestProxy proxy = TestProxy.builder().backend(flaky).backend(steady)
                     .health(HealthConfigs.active(Duration.ofMillis(100))).start()) {
            sick.set(true);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> bodiesOf(proxy, 6).equals("steady".repeat(6)));
            assertThat(flaky.requests()).anyMatch(r -> r.uri().equals("/health")
                    && "pibl-health-check".equals(r.header("User-Agent")));
            sick.set(false);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> bodiesOf(proxy, 6).contains("flaky"));
        }
    }

    @Test
    void aFlappingBackendLosesTrafficWhileItsChecksFailAndNoClientRequestFails() throws Exception {
        long start = System.nanoTime();
        // Its health endpoint alternates every 300 ms; everything else it serves fine.
        TestBackend.Responder flapping = (ctx, req, b) -> {
            boolean down = req.uri().equals("/health") && b.name().equals("flappy")
                    && (System.nanoTime() - start) / 300_000_000L % 2 == 1;
            b.reply(ctx, req, down ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK, b.name());
        };
        try (TestBackend flappy = TestBackend.start("flappy", flapping);
             TestBackend steady = TestBackend.start("steady", flapping);
             TestProxy proxy = TestProxy.builder().backend(flappy).backend(steady)
                     .health(HealthConfigs.active(Duration.ofMillis(50))).start();
             RawHttp client = new RawHttp(proxy.port())) {
            int flappyServed = 0;
            int requests = 0;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2400)) {
                RawHttp.Response r = client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();
                assertThat(r.status()).as("no client request fails while the backend flaps").isEqualTo(200);
                requests++;
                flappyServed += r.bodyText().equals("flappy") ? 1 : 0;
                Thread.sleep(5);
            }
            double share = flappyServed / (double) requests;
            assertThat(share).as("flappy's share of %d requests", requests).isBetween(0.1, 0.45);
        }
    }

    @Test
    void slowUploadingClientsCannotGetAHealthyBackendEjected() throws Exception {
        try (TestBackend good = TestBackend.start("good");
             TestProxy proxy = TestProxy.builder().backend(good).health(passive(2, 100, false))
                     .requestDeadline(Duration.ofMillis(300)).start()) {
            for (int i = 0; i < 3; i++) {
                try (RawHttp slow = new RawHttp(proxy.port())) {
                    slow.send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789");
                    assertThat(slow.read().status()).isEqualTo(504);
                }
            }
            try (RawHttp client = new RawHttp(proxy.port())) {
                assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
                        .as("the backend never failed anything").isEqualTo(200);
            }
        }
    }

    @Test
    void aStalled5xxCountsOnceNotTwice() throws Exception {
        try (dev.pibl.testing.ScriptedBackend backend = new dev.pibl.testing.ScriptedBackend((i, head) ->
                "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 10\r\n\r\nabc");
             TestProxy proxy = TestProxy.builder().backend("s", backend.port(), 1).health(passive(2, 100, false))
                     .responseTimeout(Duration.ofMillis(300)).start()) {
            try (RawHttp c = new RawHttp(proxy.port())) {
                c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                try {
                    c.read();
                } catch (java.io.IOException cutMidBody) {
                    // expected: the body stalls and the connection is cut
                }
            }
            Thread.sleep(100);
            try (RawHttp c = new RawHttp(proxy.port())) {
                c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                assertThat(c.readHeadOnlyStatus()).as("one failed exchange < consecutive-failures 2").isEqualTo(500);
            }
        }
    }

    @Test
    void aProbeWhoseClientLeftGivesWayToTheNextRequestAtOnce() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        TestBackend.Responder script = (ctx, req, b) -> {
            switch (seen.getAndIncrement()) {
                case 0 -> b.reply(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "oops"); // ejects it
                case 1 -> { } // the probe: never answered, and its client gives up
                default -> b.reply(ctx, req, HttpResponseStatus.OK, b.name());
            }
        };
        // Ejected for 1 s; a claimed probe that reports nothing would be reclaimed only after 2 s.
        try (TestBackend backend = TestBackend.start("b", script);
             TestProxy proxy = TestProxy.builder().backend(backend).ioThreads(1)
                     .health(HealthConfigs.passive(1, Duration.ofSeconds(1), 100, false)).start()) {
            assertThat(statusOf(proxy)).isEqualTo(500);
            assertThat(statusOf(proxy)).as("ejected").isEqualTo(503);
            Thread.sleep(1200); // the ejection ends (real time: the proxy runs on the system clock)
            try (RawHttp probe = new RawHttp(proxy.port())) {
                probe.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> backend.requests().size() == 2);
            }
            long left = System.nanoTime();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> statusOf(proxy) == 200);
            assertThat(Duration.ofNanos(System.nanoTime() - left))
                    .as("the next request probed at once, not after the claim was reclaimed")
                    .isLessThan(Duration.ofMillis(800));
        }
    }

    private static int statusOf(TestProxy proxy) throws Exception {
        try (RawHttp c = new RawHttp(proxy.port())) {
            return c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status();
        }
    }

    private static String bodiesOf(TestProxy proxy, int n) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(proxy.get("/").body());
        }
        return sb.toString();
    }
}
