package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.Origin;
import dev.pibl.testing.RawHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conditional requests: 304s from the cache to clients, and stale entries revalidated with the origin. */
class CacheRevalidationTest {

    @TempDir
    Path dir;

    @Test
    void clientWithAMatchingEtagGets304FromTheCache() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/r", 200, "body", "Cache-Control", "max-age=60", "ETag", "\"v1\"");
            f.get("/r");

            RawHttp.Response match = f.get("/r", "If-None-Match", "W/\"v1\"");
            RawHttp.Response other = f.get("/r", "If-None-Match", "\"v0\"");

            assertThat(match.status()).isEqualTo(304);
            assertThat(match.header("ETag")).isEqualTo("\"v1\"");
            assertThat(match.header("X-Cache")).isEqualTo("HIT");
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.bodyText()).isEqualTo("body");
            assertThat(f.origin.hits("/r")).isEqualTo(1);
        }
    }

    @Test
    void clientWithIfModifiedSinceGets304FromTheCache() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            String lastModified = HttpDates.format(f.clock.millis() - 60_000);
            f.origin.on("/m", 200, "body", "Cache-Control", "max-age=60", "Last-Modified", lastModified);
            f.get("/m");

            assertThat(f.get("/m", "If-Modified-Since", lastModified).status()).isEqualTo(304);
            assertThat(f.get("/m", "If-Modified-Since", HttpDates.format(f.clock.millis() - 120_000)).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void staleEntryIsRevalidatedAnd304RefreshesItWithoutTheBody() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/v", 200, "stored body", "Cache-Control", "max-age=10", "ETag", "\"v1\"", "X-Version", "1");
            f.get("/v");
            f.advance(Duration.ofSeconds(11));
            // The origin now answers the conditional request with 304 and a new header value.
            f.origin.on("/v", 200, "stored body", "Cache-Control", "max-age=10", "ETag", "\"v1\"", "X-Version", "2");

            RawHttp.Response revalidated = f.get("/v");
            RawHttp.Response hit = f.get("/v");

            assertThat(f.origin.requests("/v").get(1).header("If-None-Match")).isEqualTo("\"v1\"");
            assertThat(revalidated.status()).isEqualTo(200);
            assertThat(revalidated.bodyText()).isEqualTo("stored body");
            assertThat(revalidated.header("X-Cache")).isEqualTo("REVALIDATED");
            assertThat(revalidated.header("Cache-Status")).contains("fwd=stale; fwd-status=304");
            assertThat(revalidated.header("X-Version")).isEqualTo("2");
            assertThat(hit.header("X-Cache")).isEqualTo("HIT");
            assertThat(f.origin.hits("/v")).isEqualTo(2);
        }
    }

    @Test
    void staleEntryReplacedWhenTheOriginAnswers200() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/v", 200, "old", "Cache-Control", "max-age=10", "ETag", "\"v1\"");
            f.get("/v");
            f.advance(Duration.ofSeconds(11));
            f.origin.on("/v", 200, "new", "Cache-Control", "max-age=10", "ETag", "\"v2\"");

            RawHttp.Response changed = f.get("/v");
            RawHttp.Response hit = f.get("/v");

            assertThat(changed.bodyText()).isEqualTo("new");
            assertThat(changed.header("X-Cache")).isEqualTo("MISS");
            assertThat(hit.bodyText()).isEqualTo("new");
            assertThat(hit.header("X-Cache")).isEqualTo("HIT");
        }
    }

    @Test
    void noCacheResponseIsRevalidatedOnEveryUse() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/n", 200, "n", "Cache-Control", "no-cache", "ETag", "\"n\"");
            f.get("/n");

            RawHttp.Response second = f.get("/n");
            RawHttp.Response third = f.get("/n");

            assertThat(second.header("X-Cache")).isEqualTo("REVALIDATED");
            assertThat(third.header("X-Cache")).isEqualTo("REVALIDATED");
            assertThat(f.origin.hits("/n")).isEqualTo(3);
        }
    }

    @Test
    void requestNoCacheAndMaxAgeZeroForceRevalidation() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/c", 200, "c", "Cache-Control", "max-age=60", "ETag", "\"c\"");
            f.get("/c");

            assertThat(f.get("/c", "Cache-Control", "no-cache").header("X-Cache")).isEqualTo("REVALIDATED");
            assertThat(f.get("/c", "Cache-Control", "max-age=0").header("X-Cache")).isEqualTo("REVALIDATED");
            assertThat(f.get("/c").header("X-Cache")).isEqualTo("HIT");
        }
    }

    @Test
    void onlyIfCachedGets504WhenNothingIsStored() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/o", 200, "o", "Cache-Control", "max-age=60");

            RawHttp.Response none = f.get("/o", "Cache-Control", "only-if-cached");
            f.get("/o");
            RawHttp.Response stored = f.get("/o", "Cache-Control", "only-if-cached");

            assertThat(none.status()).isEqualTo(504);
            assertThat(stored.status()).isEqualTo(200);
            assertThat(f.origin.hits("/o")).isEqualTo(1);
        }
    }

    @Test
    void mustRevalidateIsNeverServedStaleOnError() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir, c -> CacheFixture.stale(c, Duration.ZERO, Duration.ofMinutes(5)))) {
            AtomicInteger calls = new AtomicInteger();
            f.origin.on("/mr", req -> calls.incrementAndGet() == 1
                    ? Origin.reply(200, "mr", "Cache-Control", "max-age=1, must-revalidate", "ETag", "\"m\"")
                    : Origin.reply(500, "down"));
            f.get("/mr");
            f.advance(Duration.ofSeconds(2));

            assertThat(f.get("/mr").status()).isEqualTo(500);
        }
    }
}
