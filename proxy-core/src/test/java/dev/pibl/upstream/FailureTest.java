package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.ScriptedBackend;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** What clients see when backends refuse, are slow, or when the client itself is slow. */
class FailureTest {

    /** A port nothing listens on: connections to it are refused. */
    static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRefusingBackendIsSkippedForTheNextOne() throws Exception {
        try (TestBackend live = TestBackend.start("live");
             TestProxy proxy = TestProxy.builder().backend("dead", deadPort(), 1).backend(live).start()) {
            for (int i = 0; i < 4; i++) {
                var r = proxy.get("/");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("live");
            }
            assertThat(proxy.awaitAccessLog(4)).hasSize(4).allMatch(line -> line.contains("backend=live"));
        }
    }

    @Test
    void whenEveryBackendRefusesTheClientGets502WithTheRequestIdOfTheLogLine() throws Exception {
        try (TestProxy proxy = TestProxy.builder().backend("a", deadPort(), 1).backend("b", deadPort(), 1).start();
             RawHttp client = new RawHttp(proxy.port())) {
            RawHttp.Response r = client.send("GET /x HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(502);
            String id = r.header("X-Request-Id");
            assertThat(r.bodyText()).contains("502 Bad Gateway").contains("request-id: " + id);
            assertThat(proxy.awaitAccessLog(1)).singleElement().asString().contains(id).contains("\" 502 ");
            // The request was complete, so the connection stays usable.
            assertThat(client.send("GET /y HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(502);
        }
    }

    @Test
    void aBackendTooSlowToAnswerGives504() throws Exception {
        TestBackend.Responder slow = (ctx, req, b) -> ctx.executor().schedule(
                () -> b.reply(ctx, req, HttpResponseStatus.OK, "late"), 5, TimeUnit.SECONDS);
        try (TestBackend backend = TestBackend.start("slow", slow);
             TestProxy proxy = TestProxy.builder().backend(backend).responseTimeout(Duration.ofMillis(300)).start();
             RawHttp client = new RawHttp(proxy.port())) {
            long start = System.nanoTime();
            RawHttp.Response r = client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.bodyText()).contains("slow");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void aClientTooSlowToSendItsHeadGets408AndIsClosed() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).clientHeaderTimeout(Duration.ofMillis(300)).start();
             RawHttp client = new RawHttp(proxy.port())) {
            RawHttp.Response r = client.send("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ").read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(client.closedByPeer()).isTrue();
            assertThat(backend.requests()).isEmpty();
            assertThat(proxy.awaitAccessLog(1)).singleElement().asString().contains("\" 408 ");
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedSilently() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).idleTimeout(Duration.ofMillis(300)).start();
             RawHttp client = new RawHttp(proxy.port())) {
            assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(client.closedByPeer()).isTrue();
            assertThat(proxy.awaitAccessLog(1)).hasSize(1);
        }
    }

    @Test
    void limitsAnswer413And414And431() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).maxBody(10).start()) {
            try (RawHttp c = new RawHttp(proxy.port())) {
                assertThat(c.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n").read().status())
                        .isEqualTo(413);
            }
            try (RawHttp c = new RawHttp(proxy.port())) {
                c.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
                assertThat(c.read().status()).isEqualTo(413);
            }
            try (RawHttp c = new RawHttp(proxy.port())) {
                assertThat(c.send("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
                        .isEqualTo(414);
            }
            try (RawHttp c = new RawHttp(proxy.port())) {
                assertThat(c.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(20000) + "\r\n\r\n").read()
                        .status()).isEqualTo(431);
            }
            try (RawHttp c = new RawHttp(proxy.port())) {
                assertThat(c.send("GET / HTTP/1.1\r\n\r\n").read().status()).isEqualTo(400);
            }
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void whenTheRetryBudgetIsSpentAFailureIsReturnedInsteadOfRetried() throws Exception {
        try (TestBackend live = TestBackend.start("live");
             TestProxy proxy = TestProxy.builder().backend("dead", deadPort(), 1).backend(live)
                     .retryBudget(0, 0).health(dev.pibl.testing.HealthConfigs.noEjection()).start();
             RawHttp client = new RawHttp(proxy.port())) {
            int badGateway = 0;
            for (int i = 0; i < 6; i++) {
                int status = client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status();
                badGateway += status == 502 ? 1 : 0;
            }
            assertThat(badGateway).as("every request that met the dead backend first").isEqualTo(3);
            assertThat(live.requests()).hasSize(3);
        }
    }

    @Test
    void aRetryWithNowhereToGoSpendsNothingFromTheBudget() throws Exception {
        // Both backends answer /ok (and close, so no connection is reused) and drop any other request
        // unanswered, so a GET of anything else fails on one, is retried on the other, and then has
        // no backend left for its third try.
        BiFunction<Integer, String, String> okOnly = (i, head) -> head.startsWith("GET /ok ")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok" : null;
        try (ScriptedBackend a = new ScriptedBackend(okOnly);
             ScriptedBackend b = new ScriptedBackend(okOnly);
             TestProxy proxy = TestProxy.builder().backend("a", a.port(), 1).backend("b", b.port(), 1).maxTries(3)
                     .retryBudget(20, 0).health(dev.pibl.testing.HealthConfigs.noEjection()).start()) {
            for (int i = 0; i < 10; i++) {
                assertThat(proxy.get("/ok").statusCode()).isEqualTo(200); // 10 × 20 % = two retries earned
            }
            for (int i = 0; i < 2; i++) {
                try (RawHttp client = new RawHttp(proxy.port())) {
                    assertThat(client.send("GET /drop HTTP/1.1\r\nHost: t\r\n\r\n").read().status())
                            .as("the failure's own status").isEqualTo(502);
                }
            }
            long tries = java.util.stream.Stream.concat(a.heads().stream(), b.heads().stream())
                    .filter(head -> head.startsWith("GET /drop ")).count();
            assertThat(tries).as("both requests tried both backends: the try with nowhere to go cost nothing")
                    .isEqualTo(4);
        }
    }

    @Test
    void theRequestDeadlineBoundsTheWholeExchange() throws Exception {
        TestBackend.Responder slow = (ctx, req, b) -> ctx.executor().schedule(
                () -> b.reply(ctx, req, HttpResponseStatus.OK, "late"), 5, TimeUnit.SECONDS);
        try (TestBackend backend = TestBackend.start("slow", slow);
             TestProxy proxy = TestProxy.builder().backend(backend).requestDeadline(Duration.ofMillis(300)).start();
             RawHttp client = new RawHttp(proxy.port())) {
            long start = System.nanoTime();
            RawHttp.Response r = client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.bodyText()).contains("deadline");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
