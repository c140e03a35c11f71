package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.CacheConfig;
import dev.pibl.testing.MutableClock;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.ScriptedBackend;
import dev.pibl.testing.TestProxy;
import java.io.IOException;
import java.nio.file.Path;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunked responses, whose size is only known at their end: stored whole, or streamed on when too large. */
class CacheChunkedTest {

    private static final int MAX_OBJECT = 1000;

    @TempDir
    Path dir;

    private static String chunked(String cacheControl, int chunks, int chunkSize) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\nCache-Control: " + cacheControl
                + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < chunks; i++) {
            sb.append(Integer.toHexString(chunkSize)).append("\r\n").append(String.valueOf((char) ('a' + i)).repeat(chunkSize))
                    .append("\r\n");
        }
        return sb.append("0\r\n\r\n").toString();
    }

    @Test
    void aChunkedResponseIsStoredWholeAndServedWithItsLength() throws Exception {
        try (ScriptedBackend origin = new ScriptedBackend((i, head) -> chunked("max-age=60", 3, 100));
             TestProxy proxy = start(origin)) {
            RawHttp.Response miss = get(proxy);
            RawHttp.Response hit = get(proxy);

            assertThat(miss.header("Cache-Status")).isEqualTo("pibl; fwd=miss"); // not sure yet it fits
            assertThat(hit.header("X-Cache")).isEqualTo("HIT");
            assertThat(hit.header("Content-Length")).isEqualTo("300");
            assertThat(hit.header("Transfer-Encoding")).isNull();
            assertThat(hit.bodyText()).isEqualTo("a".repeat(100) + "b".repeat(100) + "c".repeat(100));
            assertThat(origin.heads()).hasSize(1);
        }
    }

    @Test
    void aChunkedResponseThatOutgrowsTheLimitStreamsOnUncached() throws Exception {
        try (ScriptedBackend origin = new ScriptedBackend((i, head) -> chunked("max-age=60", 3, 400));
             TestProxy proxy = start(origin)) {
            RawHttp.Response first = get(proxy);
            RawHttp.Response second = get(proxy);

            assertThat(first.body()).hasSize(1200);
            assertThat(second.header("X-Cache")).isEqualTo("MISS");
            assertThat(second.body()).hasSize(1200);
            assertThat(origin.heads()).hasSize(2);
        }
    }

    private TestProxy start(ScriptedBackend origin) throws InterruptedException {
        CacheConfig c = CacheFixture.sizes(CacheConfig.defaults(dir.resolve("cache")), 1 << 20, 1 << 20, MAX_OBJECT);
        return TestProxy.builder().backend("origin", origin.port(), 1).cache(c).clock(new MutableClock()).start();
    }

    private static RawHttp.Response get(TestProxy proxy) throws IOException {
        try (RawHttp http = new RawHttp(proxy.port())) {
            RawHttp.Response r = http.send("GET /c HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").read();
            Awaitility.await().until(() -> proxy.server().cache().pendingStores() == 0);
            return r;
        }
    }
}
