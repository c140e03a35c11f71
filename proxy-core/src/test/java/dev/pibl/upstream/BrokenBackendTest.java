package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.ScriptedBackend;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Backends and clients that break mid-exchange: nothing broken is relayed as whole or pooled. */
class BrokenBackendTest {

    @Test
    void aMalformedResponseChunkCutsTheClientAndTheConnectionIsNotPooled() throws Exception {
        AtomicInteger n = new AtomicInteger();
        try (ScriptedBackend backend = new ScriptedBackend((i, head) -> n.getAndIncrement() == 0
                ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
             TestProxy proxy = TestProxy.builder().backend("raw", backend.port(), 1).ioThreads(1)
                     .responseTimeout(Duration.ofSeconds(2)).start()) {
            try (RawHttp first = new RawHttp(proxy.port())) {
                first.send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\n");
                boolean cut;
                try {
                    first.read();
                    cut = false; // a clean end would pass the truncated body off as whole
                } catch (IOException expected) {
                    cut = true;
                }
                assertThat(cut).as("client connection cut mid-response").isTrue();
            }
            try (RawHttp second = new RawHttp(proxy.port())) {
                RawHttp.Response r = second.send("GET /2 HTTP/1.1\r\nHost: t\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("ok");
            }
            assertThat(backend.connections()).isEqualTo(2);
        }
    }

    @Test
    void aBackendSwitchingProtocolsUnaskedGives502AndItsConnectionIsDropped() throws Exception {
        AtomicInteger n = new AtomicInteger();
        try (ScriptedBackend backend = new ScriptedBackend((i, head) -> n.getAndIncrement() == 0
                ? "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\nraw bytes"
                : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
             TestProxy proxy = TestProxy.builder().backend("raw", backend.port(), 1).ioThreads(1).start();
             RawHttp client = new RawHttp(proxy.port())) {
            assertThat(client.send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(502);
            assertThat(client.send("GET /2 HTTP/1.1\r\nHost: t\r\n\r\n").read().bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void aStaleKeepAliveConnectionIsRetriedOnAFreshOneToTheSameBackend() throws Exception {
        // The backend closes the connection instead of answering its second request: its
        // keep-alive timeout raced with PIBL's reuse. A GET must still succeed with one backend.
        try (ScriptedBackend backend = new ScriptedBackend((i, head) -> i == 0
                ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" : null);
             TestProxy proxy = TestProxy.builder().backend("raw", backend.port(), 1).ioThreads(1).start();
             RawHttp client = new RawHttp(proxy.port())) {
            assertThat(client.send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(client.send("GET /2 HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(backend.connections()).isEqualTo(2);
        }
    }

    @Test
    void aPostOnAStaleConnectionIsNotSentTwice() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend((i, head) -> i == 0
                ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" : null);
             TestProxy proxy = TestProxy.builder().backend("raw", backend.port(), 1).ioThreads(1).start();
             RawHttp client = new RawHttp(proxy.port())) {
            assertThat(client.send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(client.send("POST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n").read().status())
                    .isEqualTo(502);
            assertThat(backend.heads()).filteredOn(h -> h.startsWith("POST")).hasSize(1);
        }
    }

    @Test
    void aClientStallingInTheMiddleOfItsBodyGets408() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).clientBodyTimeout(Duration.ofMillis(300)).start();
             RawHttp client = new RawHttp(proxy.port())) {
            RawHttp.Response r = client.send("POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab").read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void aBackendThatStopsReadingTheBodyGives504() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend((i, head) -> {
                    try {
                        Thread.sleep(20_000); // reads the head, never the body
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                });
             TestProxy proxy = TestProxy.builder().backend("raw", backend.port(), 1)
                     .clientBodyTimeout(Duration.ofMillis(500)).start();
             RawHttp client = new RawHttp(proxy.port())) {
            CompletableFuture<Void> upload = client.uploadInBackground(
                    "PUT /big HTTP/1.1\r\nHost: t\r\nContent-Length: " + (64L << 20) + "\r\n\r\n", 64L << 20);
            assertThat(client.read().status()).isEqualTo(504);
            upload.get(10, TimeUnit.SECONDS);
        }
    }
}
