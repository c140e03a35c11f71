package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Backend connections: when they are reused, closed, or waited for. */
class UpstreamPoolTest {

    @Test
    void aConnectionTheBackendMarkedCloseIsNeverReused() throws Exception {
        TestBackend.Responder closing = (ctx, req, b) -> {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII));
            r.headers().set("Content-Length", 3).set("Connection", "close");
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        };
        try (TestBackend backend = TestBackend.start("node-1", closing);
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response r = client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                // The backend's close is hop-by-hop: the client's connection stays open.
                assertThat(r.header("Connection")).isNull();
            }
            assertThat(backend.connectionsAccepted()).isEqualTo(3);
        }
    }

    @Test
    void anIdlePooledConnectionIsClosedAfterTheUpstreamIdleTimeout() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).upstreamIdleTimeout(Duration.ofMillis(300)).start();
             RawHttp client = new RawHttp(proxy.port())) {
            assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
            // The sweep closes the idle connection; the backend sees it go.
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
            assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
        }
    }

    @Test
    void aBackendClosingAnIdlePooledConnectionIsNoticedBeforeReuse() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            backend.closeConnections();
            Thread.sleep(200); // the FIN reaches the idle pooled connection
            assertThat(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
        }
    }

    @Test
    void atMaxConnectionsFurtherRequestsWaitForAConnectionToComeBack() throws Exception {
        TestBackend.Responder slow = (ctx, req, b) -> ctx.executor().schedule(
                () -> b.reply(ctx, req, HttpResponseStatus.OK, req.uri()), 200, TimeUnit.MILLISECONDS);
        try (TestBackend backend = TestBackend.start("node-1", slow);
             TestProxy proxy = TestProxy.builder().backend(backend).ioThreads(1).maxConnections(1).start()) {
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> get(proxy, "/a"));
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> get(proxy, "/b"));
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("/a");
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("/b");
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
        }
    }

    private static String get(TestProxy proxy, String path) {
        try (RawHttp c = new RawHttp(proxy.port())) {
            return c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").read().bodyText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
