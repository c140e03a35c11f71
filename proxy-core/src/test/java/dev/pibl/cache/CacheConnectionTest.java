package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.Origin;
import dev.pibl.testing.RawHttp;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the cache stage treats the client connection: closing, draining, backpressure, HTTP/1.0. */
class CacheConnectionTest {

    @TempDir
    Path dir;

    @Test
    void requestsPipelinedAfterAClosingHitAreNeverProcessed() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/hit", 200, "x", "Cache-Control", "max-age=60");
            f.get("/hit");

            try (RawHttp http = new RawHttp(f.proxy.port())) {
                http.send("GET /hit HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
                        + "POST /p HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\n\r\n");

                assertThat(http.read().header("X-Cache")).isEqualTo("HIT");
                assertThat(http.closedByPeer()).isTrue();
            }
            Thread.sleep(200); // a wrongly forwarded POST would reach the origin by now
            assertThat(f.origin.hits("/p")).isZero();
        }
    }

    @Test
    void drainLetsAHitBeingSentFinish() throws Exception {
        byte[] big = new byte[32 << 20];
        try (CacheFixture f = CacheFixture.start(dir, c -> CacheFixture.sizes(c, 64 << 20, 1L << 30, 48 << 20))) {
            f.origin.on("/big", req -> Origin.reply(200, big, 0, "Cache-Control", "max-age=60"));
            f.get("/big");

            try (RawHttp http = new RawHttp(f.proxy.port())) {
                http.socket().setReceiveBufferSize(16 * 1024);
                http.send("GET /big HTTP/1.1\r\nHost: test\r\n\r\n");
                Thread.sleep(300); // the hit is written; most of it still waits for the slow reader
                CompletableFuture<Void> stop = CompletableFuture.runAsync(f.proxy::close);

                RawHttp.Response r = http.read();

                assertThat(r.header("X-Cache")).isEqualTo("HIT");
                assertThat(r.body()).hasSize(big.length);
                stop.get();
            }
        }
    }

    @Test
    void aClientThatDoesNotReadStopsGettingHits() throws Exception {
        byte[] mib = new byte[1 << 20];
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/m", req -> Origin.reply(200, mib, 0, "Cache-Control", "max-age=60"));
            f.get("/m");
            long before = f.cache().stats().hits();

            try (RawHttp http = new RawHttp(f.proxy.port())) {
                http.socket().setReceiveBufferSize(16 * 1024);
                http.send("GET /m HTTP/1.1\r\nHost: test\r\n\r\n".repeat(500));
                Thread.sleep(1000);

                // Without backpressure all 500 MiB would be queued in PIBL's memory at once.
                assertThat(f.cache().stats().hits() - before).isLessThan(20);
                InputStream in = http.socket().getInputStream();
                assertThat(in.readNBytes(1000)).hasSize(1000);
            }
        }
    }

    @Test
    void http10KeepAliveClientKeepsItsConnectionOnARevalidatedAnswer() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/v", 200, "body", "Cache-Control", "max-age=1", "ETag", "\"v\"");
            f.get("/v");
            f.advance(Duration.ofSeconds(2));

            try (RawHttp http = new RawHttp(f.proxy.port())) {
                RawHttp.Response r = http.send("GET /v HTTP/1.0\r\nHost: test\r\nConnection: keep-alive\r\n\r\n").read();
                RawHttp.Response again = http.send("GET /v HTTP/1.0\r\nHost: test\r\nConnection: keep-alive\r\n\r\n")
                        .read();

                assertThat(r.header("X-Cache")).isEqualTo("REVALIDATED");
                assertThat(r.header("Connection")).isEqualToIgnoringCase("keep-alive");
                assertThat(again.header("X-Cache")).isEqualTo("HIT");
            }
        }
    }
}
