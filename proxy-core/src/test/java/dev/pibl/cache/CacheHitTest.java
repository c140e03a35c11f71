package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hits and misses as a client sees them: X-Cache, Cache-Status, Age, and what reaches the origin. */
class CacheHitTest {

    @TempDir
    Path dir;

    @Test
    void secondGetIsAHitThatNeverReachesTheOrigin() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/a", 200, "hello", "Cache-Control", "max-age=60", "Content-Type", "text/plain");

            RawHttp.Response first = f.get("/a");
            f.advance(Duration.ofSeconds(10));
            RawHttp.Response second = f.get("/a");

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("X-Cache")).isEqualTo("MISS");
            assertThat(first.header("Cache-Status")).isEqualTo("pibl; fwd=miss; stored");
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.bodyText()).isEqualTo("hello");
            assertThat(second.header("X-Cache")).isEqualTo("HIT");
            assertThat(second.header("Age")).isEqualTo("10");
            assertThat(second.header("Cache-Status")).isEqualTo("pibl; hit; ttl=50");
            assertThat(second.header("Content-Type")).isEqualTo("text/plain");
            assertThat(second.header("Content-Length")).isEqualTo("5");
            assertThat(f.origin.hits("/a")).isEqualTo(1);
        }
    }

    @Test
    void headIsAnsweredFromTheStoredGet() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/h", 200, "twelve bytes", "Cache-Control", "max-age=60");
            f.get("/h");

            RawHttp.Response head = f.request("HEAD", "/h");

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("X-Cache")).isEqualTo("HIT");
            assertThat(head.header("Content-Length")).isEqualTo("12");
            assertThat(f.origin.hits("/h")).isEqualTo(1);
        }
    }

    @Test
    void headMissIsForwardedAndNotStored() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/h", 200, "body", "Cache-Control", "max-age=60");

            RawHttp.Response head = f.request("HEAD", "/h");
            RawHttp.Response get = f.get("/h");

            assertThat(head.header("X-Cache")).isEqualTo("MISS");
            assertThat(get.header("X-Cache")).isEqualTo("MISS");
            assertThat(get.bodyText()).isEqualTo("body");
            assertThat(f.origin.hits("/h")).isEqualTo(2);
        }
    }

    @Test
    void otherMethodsBypassTheCache() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/p", 200, "posted", "Cache-Control", "max-age=60");

            RawHttp.Response post = f.request("POST", "/p", "Content-Length", "0");
            RawHttp.Response get = f.get("/p");

            assertThat(post.header("X-Cache")).isEqualTo("BYPASS");
            assertThat(post.header("Cache-Status")).startsWith("pibl; fwd=");
            assertThat(get.header("X-Cache")).isEqualTo("MISS");
        }
    }

    @Test
    void queryStringsAndHostsAreDifferentKeys() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/q?a=1", 200, "one", "Cache-Control", "max-age=60");
            f.origin.on("/q?a=2", 200, "two", "Cache-Control", "max-age=60");
            f.get("/q?a=1");

            RawHttp.Response other = f.get("/q?a=2");
            RawHttp.Response again = f.get("/q?a=1");

            assertThat(other.bodyText()).isEqualTo("two");
            assertThat(other.header("X-Cache")).isEqualTo("MISS");
            assertThat(again.bodyText()).isEqualTo("one");
            assertThat(again.header("X-Cache")).isEqualTo("HIT");
        }
    }

    @Test
    void targetedCacheControlIsObeyedAndNotForwarded() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            // Browsers are told not to cache; PIBL is told to, for 60 s (RFC 9213).
            f.origin.on("/t", 200, "t", "Cache-Control", "no-store", "CDN-Cache-Control", "max-age=60");
            f.origin.on("/u", 200, "u", "Cache-Control", "max-age=60", "PIBL-Cache-Control", "no-store");

            RawHttp.Response t1 = f.get("/t");
            RawHttp.Response t2 = f.get("/t");
            f.get("/u");
            RawHttp.Response u2 = f.get("/u");

            assertThat(t1.header("CDN-Cache-Control")).isNull();
            assertThat(t1.header("Cache-Control")).isEqualTo("no-store");
            assertThat(t2.header("X-Cache")).isEqualTo("HIT");
            assertThat(u2.header("X-Cache")).isEqualTo("MISS");
            assertThat(u2.header("PIBL-Cache-Control")).isNull();
        }
    }

    @Test
    void aResponseOverTheObjectSizeLimitStreamsThroughUncached() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir, c -> CacheFixture.sizes(c, 1 << 20, 1 << 20, 1000))) {
            String big = "x".repeat(1001);
            f.origin.on("/big", 200, big, "Cache-Control", "max-age=60");
            f.origin.on("/small", 200, "x".repeat(1000), "Cache-Control", "max-age=60");

            RawHttp.Response first = f.get("/big");
            RawHttp.Response second = f.get("/big");
            f.get("/small");

            assertThat(first.bodyText()).isEqualTo(big);
            assertThat(first.header("Cache-Status")).contains("detail=too-large");
            assertThat(second.header("X-Cache")).isEqualTo("MISS");
            assertThat(second.bodyText()).isEqualTo(big);
            assertThat(f.get("/small").header("X-Cache")).isEqualTo("HIT");
        }
    }

    @Test
    void accessLogSaysWhatTheCacheDid() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/l", 200, "l", "Cache-Control", "max-age=60");
            f.get("/l");
            f.get("/l");

            assertThat(f.proxy.awaitAccessLog(2)).satisfiesExactly(
                    miss -> assertThat(miss).contains(" cache=MISS"),
                    hit -> assertThat(hit).contains("backend=- ").contains(" cache=HIT"));
        }
    }
}
