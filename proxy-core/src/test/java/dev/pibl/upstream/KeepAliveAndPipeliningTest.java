package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Client keep-alive, upstream connection reuse, and pipelined requests answered in order. */
class KeepAliveAndPipeliningTest {

    @Test
    void manyRequestsOnOneClientConnectionReuseOneUpstreamConnection() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            for (int i = 0; i < 200; i++) {
                RawHttp.Response r = client.send("GET /n/" + i + " HTTP/1.1\r\nHost: test\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("node-1");
            }
            assertThat(backend.requests()).hasSize(200);
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void tenThousandRequestsFromEightKeepAliveClientsOpenAtMostEightUpstreamConnections() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).start()) {
            int clients = 8;
            int perClient = 1250;
            java.util.List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
            try {
                for (int c = 0; c < clients; c++) {
                    done.add(pool.submit(() -> {
                        int ok = 0;
                        try (RawHttp client = new RawHttp(proxy.port())) {
                            for (int i = 0; i < perClient; i++) {
                                ok += client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status() == 200 ? 1 : 0;
                            }
                        }
                        return ok;
                    }));
                }
                int ok = 0;
                for (var f : done) {
                    ok += f.get();
                }
                assertThat(ok).isEqualTo(clients * perClient);
            } finally {
                pool.shutdownNow();
            }
            // One backend connection per concurrently busy client connection at most, whatever the total.
            assertThat(backend.requests()).hasSize(clients * perClient);
            assertThat(backend.connectionsAccepted()).isBetween(1, clients);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderEvenWhenTheFirstIsSlowest() throws Exception {
        TestBackend.Responder byPath = (ctx, req, b) -> {
            long delay = req.uri().equals("/first") ? 300 : 0;
            String body = req.uri();
            ctx.executor().schedule(() -> b.reply(ctx, req, HttpResponseStatus.OK, body), delay, TimeUnit.MILLISECONDS);
        };
        try (TestBackend backend = TestBackend.start("node-1", byPath);
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            client.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "POST /second HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /third HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(client.read().bodyText()).isEqualTo("/first");
            assertThat(client.read().bodyText()).isEqualTo("/second");
            assertThat(client.read().bodyText()).isEqualTo("/third");
            assertThat(backend.requests().get(1).body()).isEqualTo("hello");
        }
    }

    @Test
    void http10ClientKeepsTheConnectionOnlyWhenItAsks() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).start()) {
            try (RawHttp client = new RawHttp(proxy.port())) {
                RawHttp.Response first = client.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
                assertThat(first.status()).isEqualTo(200);
                assertThat(first.header("Connection")).isEqualToIgnoringCase("keep-alive");
                RawHttp.Response second = client.send("GET /b HTTP/1.0\r\n\r\n").read();
                assertThat(second.status()).isEqualTo(200);
                assertThat(second.header("Connection")).isEqualToIgnoringCase("close");
                assertThat(client.closedByPeer()).isTrue();
            }
            // Towards the backend both went as HTTP/1.1 on one persistent connection, with a Host.
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
            assertThat(backend.requests().get(0).header("Host")).isEqualTo("127.0.0.1:" + backend.port());
        }
    }

    @Test
    void connectionCloseFromTheClientClosesAfterTheResponse() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             RawHttp client = new RawHttp(proxy.port())) {
            RawHttp.Response r = client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByPeer()).isTrue();
            // The backend connection stays pooled: Connection: close is hop-by-hop.
            assertThat(backend.requests().get(0).header("Connection")).isNull();
        }
    }
}
