package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.Origin;
import dev.pibl.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hits and misses pipelined on one keep-alive connection are answered in request order. */
class CachePipeliningTest {

    @TempDir
    Path dir;

    @Test
    void hitsAndMissesOnOneConnectionComeBackInOrder() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/hit", 200, "from cache", "Cache-Control", "max-age=60");
            f.origin.on("/slow", req -> Origin.reply(200, "slow miss".getBytes(StandardCharsets.UTF_8), 200,
                    "Cache-Control", "no-store"));
            f.get("/hit");

            try (RawHttp http = new RawHttp(f.proxy.port())) {
                http.send("GET /hit HTTP/1.1\r\nHost: test\r\n\r\n"
                        + "GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"
                        + "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello"
                        + "GET /hit HTTP/1.1\r\nHost: test\r\n\r\n"
                        + "HEAD /hit HTTP/1.1\r\nHost: test\r\n\r\n");

                RawHttp.Response first = http.read();
                RawHttp.Response second = http.read();
                RawHttp.Response third = http.read();
                RawHttp.Response fourth = http.read();
                RawHttp.Response fifth = http.read(true);

                assertThat(first.bodyText()).isEqualTo("from cache");
                assertThat(first.header("X-Cache")).isEqualTo("HIT");
                assertThat(second.bodyText()).isEqualTo("slow miss");
                assertThat(third.status()).isEqualTo(404); // the origin's answer to POST /echo
                assertThat(third.header("X-Cache")).isEqualTo("BYPASS");
                assertThat(fourth.bodyText()).isEqualTo("from cache");
                assertThat(fifth.header("X-Cache")).isEqualTo("HIT");
                assertThat(fifth.header("Content-Length")).isEqualTo("10");
            }
            assertThat(f.origin.requests("/echo")).singleElement()
                    .satisfies(r -> assertThat(r.body()).isEqualTo("hello"));
            assertThat(f.origin.hits("/hit")).isEqualTo(1);
        }
    }

    @Test
    void connectionCloseOnAHitClosesAfterTheAnswer() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/hit", 200, "x", "Cache-Control", "max-age=60");
            f.get("/hit");

            try (RawHttp http = new RawHttp(f.proxy.port())) {
                RawHttp.Response r = http.send("GET /hit HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").read();

                assertThat(r.header("X-Cache")).isEqualTo("HIT");
                assertThat(r.header("Connection")).isEqualTo("close");
                assertThat(http.closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void http10ClientGetsAHitAndTheConnectionCloses() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/hit", 200, "x", "Cache-Control", "max-age=60");
            f.get("/hit");

            try (RawHttp http = new RawHttp(f.proxy.port())) {
                RawHttp.Response r = http.send("GET /hit HTTP/1.0\r\nHost: test\r\n\r\n").read();

                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("x");
                assertThat(http.closedByPeer()).isTrue();
            }
        }
    }
}
