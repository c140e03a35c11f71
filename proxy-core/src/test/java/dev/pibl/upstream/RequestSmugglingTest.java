package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.ScriptedBackend;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Framing the proxy must never let a client or a backend change, and requests it must not relay. */
class RequestSmugglingTest {

    @Test
    void aConnectionHeaderCannotRemoveTheRequestsContentLength() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            String smuggled = "GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n";
            client.send("POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: " + smuggled.length()
                    + "\r\nConnection: Content-Length\r\n\r\n" + smuggled);
            assertThat(client.read().status()).isEqualTo(200);
            Thread.sleep(300); // a smuggled second request would arrive by now
            assertThat(backend.requests()).extracting(TestBackend.Recorded::uri).containsExactly("/a");
            assertThat(backend.requests().get(0).body()).isEqualTo(smuggled);
        }
    }

    @Test
    void aConnectionHeaderFromTheBackendCannotRemoveTheResponsesContentLength() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend((i, head) ->
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: Content-Length\r\n\r\nok");
             TestProxy proxy = TestProxy.builder().backend("raw", backend.port(), 1).start();
             RawHttp client = new RawHttp(proxy.port())) {
            client.socket().setSoTimeout(3000);
            assertThat(client.send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\n").read().bodyText()).isEqualTo("ok");
            assertThat(client.send("GET /2 HTTP/1.1\r\nHost: t\r\n\r\n").read().bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void connectIsRefusedAndNeverReachesABackend() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            RawHttp.Response r = client.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(501);
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void twoHostHeadersAreRefused() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            assertThat(client.send("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").read().status()).isEqualTo(400);
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void aRejectedPipelinedRequestIsAnsweredAfterTheResponsesAheadOfIt() throws Exception {
        TestBackend.Responder slow = (ctx, req, b) -> ctx.executor().schedule(
                () -> b.reply(ctx, req, HttpResponseStatus.OK, "slow"), 300, TimeUnit.MILLISECONDS);
        try (TestBackend backend = TestBackend.start("node-1", slow);
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /bad HTTP/1.1\r\n\r\n");
            RawHttp.Response first = client.read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.bodyText()).isEqualTo("slow");
            assertThat(client.read().status()).isEqualTo(400);
            assertThat(client.closedByPeer()).isTrue();
            assertThat(proxy.awaitAccessLog(2)).satisfiesExactly(
                    l -> assertThat(l).contains("\"GET /slow HTTP/1.1\" 200"),
                    l -> assertThat(l).contains("\"GET /bad HTTP/1.1\" 400"));
        }
    }

    @Test
    void aFoldedPipelinedRequestIsRefusedAfterTheResponsesAheadOfItAndLogged() throws Exception {
        TestBackend.Responder slow = (ctx, req, b) -> ctx.executor().schedule(
                () -> b.reply(ctx, req, HttpResponseStatus.OK, "slow"), 300, TimeUnit.MILLISECONDS);
        try (TestBackend backend = TestBackend.start("node-1", slow);
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /folded HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n 2\r\n\r\n");
            assertThat(client.read().bodyText()).isEqualTo("slow");
            RawHttp.Response refused = client.read();
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.bodyText()).startsWith("400 Bad Request: obsolete line folding in header block\n");
            assertThat(client.closedByPeer()).isTrue();
            assertThat(backend.requests()).extracting(TestBackend.Recorded::uri).containsExactly("/slow");
            // Logged as the codec logs its own failures: the head was never decoded.
            assertThat(proxy.awaitAccessLog(2)).satisfiesExactly(
                    l -> assertThat(l).contains("\"GET /slow HTTP/1.1\" 200"),
                    l -> assertThat(l).contains("\"GET /bad-request HTTP/1.0\" 400"));
        }
    }
}
