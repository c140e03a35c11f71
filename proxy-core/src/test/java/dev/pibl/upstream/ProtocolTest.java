package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 details a proxy must get right: 100-continue, bodiless responses, 1xx, methods, headers. */
class ProtocolTest {

    @Test
    void expectContinueIsAnsweredByTheProxyAndNotForwarded() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1", (ctx, req, b) ->
                b.reply(ctx, req, HttpResponseStatus.OK, "got " + req.content().readableBytes()));
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            client.send("PUT /up HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Response interim = client.read();
            assertThat(interim.status()).isEqualTo(100);
            RawHttp.Response fin = client.send("abcd").read();
            assertThat(fin.status()).isEqualTo(200);
            assertThat(fin.bodyText()).isEqualTo("got 4");
            assertThat(backend.requests().get(0).header("Expect")).isNull();
        }
    }

    @Test
    void headAndBodilessStatusesKeepTheConnectionInStep() throws Exception {
        TestBackend.Responder responder = (ctx, req, b) -> {
            switch (req.uri()) {
                case "/204" -> ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.NO_CONTENT));
                case "/304" -> {
                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
                    r.headers().set("ETag", "\"v1\"");
                    ctx.writeAndFlush(r);
                }
                default -> b.reply(ctx, req, HttpResponseStatus.OK, "twelve bytes");
            }
        };
        try (TestBackend backend = TestBackend.start("node-1", responder);
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            RawHttp.Response head = client.send("HEAD /page HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo("12");
            RawHttp.Response noContent = client.send("GET /204 HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(noContent.header("Transfer-Encoding")).isNull();
            RawHttp.Response notModified = client.send("GET /304 HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.header("ETag")).isEqualTo("\"v1\"");
            // Had any of those carried a stray body, this response would be garbled.
            RawHttp.Response after = client.send("GET /page HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(after.bodyText()).isEqualTo("twelve bytes");
        }
    }

    @Test
    void extensionMethodsAreForwardedAsIs() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            for (String method : List.of("PROPFIND", "PURGE", "PATCH", "OPTIONS", "DELETE")) {
                assertThat(client.send(method + " /r HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n").read().status())
                        .isEqualTo(200);
            }
            assertThat(backend.requests()).extracting(TestBackend.Recorded::method)
                    .containsExactly("PROPFIND", "PURGE", "PATCH", "OPTIONS", "DELETE");
        }
    }

    @Test
    void interimResponsesReachTheClientBeforeTheFinalOne() throws Exception {
        TestBackend.Responder earlyHints = (ctx, req, b) -> {
            FullHttpResponse hints = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(103), Unpooled.EMPTY_BUFFER);
            hints.headers().add("Link", "</style.css>; rel=preload");
            ctx.write(hints);
            b.reply(ctx, req, HttpResponseStatus.OK, "final");
        };
        try (TestBackend backend = TestBackend.start("node-1", earlyHints);
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            RawHttp.Response hints = client.read();
            assertThat(hints.status()).isEqualTo(103);
            assertThat(hints.header("Link")).isEqualTo("</style.css>; rel=preload");
            RawHttp.Response fin = client.read();
            assertThat(fin.status()).isEqualTo(200);
            assertThat(fin.bodyText()).isEqualTo("final");
            assertThat(proxy.awaitAccessLog(1)).singleElement().asString().contains("\" 200 ");
        }
    }

    @Test
    void endToEndHeadersPassUnchangedAndInOrderWhileHopByHopOnesAreStripped() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            client.send("GET /h HTTP/1.1\r\nHost: example.test\r\nX-Zeta: 1\r\nAccept: */*\r\nX-Alpha: 2\r\n"
                    + "Connection: keep-alive, X-Secret\r\nX-Secret: s\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
                    + "Proxy-Authorization: Basic abc\r\nUpgrade: websocket\r\nX-Forwarded-For: 10.0.0.9\r\n\r\n").read();
            TestBackend.Recorded seen = backend.requests().get(0);
            assertThat(seen.headerNames()).containsSubsequence("Host", "X-Zeta", "Accept", "X-Alpha");
            assertThat(seen.header("Host")).isEqualTo("example.test");
            for (String hop : List.of("Connection", "X-Secret", "Keep-Alive", "TE", "Proxy-Authorization", "Upgrade")) {
                assertThat(seen.header(hop)).as(hop).isNull();
            }
            // The client is not a trusted proxy, so the X-Forwarded-For it sent is replaced.
            assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
            assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
            assertThat(seen.header("X-Forwarded-Host")).isEqualTo("example.test");
            assertThat(seen.header("Via")).isEqualTo("1.1 pibl");
            assertThat(seen.header("X-Request-Id")).matches("[0-9a-f]{16}");
        }
    }

    @Test
    void hostIsRewrittenToTheBackendWhenNotPreserved() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).preserveHost(false).start();
             RawHttp client = new RawHttp(proxy.port())) {
            client.send("GET / HTTP/1.1\r\nHost: example.test\r\n\r\n").read();
            assertThat(backend.requests().get(0).header("Host")).isEqualTo("127.0.0.1:" + backend.port());
            assertThat(backend.requests().get(0).header("X-Forwarded-Host")).isEqualTo("example.test");
        }
    }

    @Test
    void responseHeadersPassUnchangedAndInOrder() throws Exception {
        TestBackend.Responder responder = (ctx, req, b) -> {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("ok", java.nio.charset.StandardCharsets.US_ASCII));
            r.headers().add("X-B", "1").add("Set-Cookie", "a=1").add("X-A", "2").add("Set-Cookie", "b=2")
                    .add("Content-Length", "2").add("Keep-Alive", "timeout=3");
            ctx.writeAndFlush(r);
        };
        try (TestBackend backend = TestBackend.start("node-1", responder);
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            RawHttp.Response r = client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(r.headers()).extracting(java.util.Map.Entry::getKey)
                    .containsExactly("X-B", "Set-Cookie", "X-A", "Set-Cookie", "Content-Length");
            assertThat(r.headers().get(1).getValue()).isEqualTo("a=1");
            assertThat(r.headers().get(3).getValue()).isEqualTo("b=2");
        }
    }
}
