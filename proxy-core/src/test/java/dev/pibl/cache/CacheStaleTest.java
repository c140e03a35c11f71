package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serving stale: while revalidating in the background (RFC 5861), and when the backends fail. */
class CacheStaleTest {

    @TempDir
    Path dir;

    @Test
    void staleWhileRevalidateAnswersStaleAndRefreshesInTheBackground() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/s", 200, "v1", "Cache-Control", "max-age=10, stale-while-revalidate=30", "ETag", "\"1\"");
            f.get("/s");
            f.advance(Duration.ofSeconds(15));
            f.origin.on("/s", 200, "v2", "Cache-Control", "max-age=10, stale-while-revalidate=30", "ETag", "\"2\"");

            RawHttp.Response stale = f.get("/s", "Accept", "text/plain", "Range", "bytes=0-0");
            await().atMost(Duration.ofSeconds(5)).until(() -> f.origin.hits("/s") == 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> f.get("/s").bodyText().equals("v2"));
            RawHttp.Response refreshed = f.get("/s");

            assertThat(stale.bodyText()).isEqualTo("v1");
            assertThat(stale.header("X-Cache")).isEqualTo("STALE");
            TestBackend.Recorded refresh = f.origin.requests("/s").get(1);
            assertThat(refresh.header("If-None-Match")).isEqualTo("\"1\"");
            assertThat(refresh.header("Accept")).isEqualTo("text/plain"); // the client's fields go along
            assertThat(refresh.header("Range")).isNull(); // but not what only its own request asked
            assertThat(refresh.header("Connection")).isEqualTo("close");
            assertThat(refreshed.header("X-Cache")).isEqualTo("HIT");
            assertThat(f.origin.hits("/s")).isEqualTo(2);
        }
    }

    @Test
    void pastTheStaleWhileRevalidateWindowTheClientWaitsForTheOrigin() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/s", 200, "v1", "Cache-Control", "max-age=10, stale-while-revalidate=5");
            f.get("/s");
            f.advance(Duration.ofSeconds(16));
            f.origin.on("/s", 200, "v2", "Cache-Control", "max-age=10");

            RawHttp.Response r = f.get("/s");

            assertThat(r.bodyText()).isEqualTo("v2");
            assertThat(r.header("X-Cache")).isEqualTo("MISS");
        }
    }

    @Test
    void staleIfErrorAnswersStaleWhenTheOriginFails() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/e", 200, "good", "Cache-Control", "max-age=10, stale-if-error=60");
            f.get("/e");
            f.advance(Duration.ofSeconds(20));
            f.origin.on("/e", 503, "down");

            RawHttp.Response r = f.get("/e");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("good");
            assertThat(r.header("X-Cache")).isEqualTo("STALE");
            assertThat(r.header("Cache-Status")).contains("fwd-status=503");
        }
    }

    @Test
    void staleIfErrorAnswersWhenEveryBackendIsDown() throws Exception {
        // The configured default window applies: the response names none.
        try (CacheFixture f = CacheFixture.start(dir, c -> CacheFixture.stale(c, Duration.ZERO, Duration.ofMinutes(5)))) {
            f.origin.on("/e", 200, "good", "Cache-Control", "max-age=10");
            f.get("/e");
            f.advance(Duration.ofSeconds(20));
            f.origin.close();

            RawHttp.Response r = f.get("/e");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("good");
            assertThat(r.header("X-Cache")).isEqualTo("STALE");
            assertThat(r.header("Cache-Status")).contains("fwd-status=502");
        }
    }

    @Test
    void pastTheStaleIfErrorWindowTheErrorGoesThrough() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/e", 200, "good", "Cache-Control", "max-age=10, stale-if-error=5");
            f.get("/e");
            f.advance(Duration.ofSeconds(20));
            f.origin.on("/e", 503, "down");

            assertThat(f.get("/e").status()).isEqualTo(503);
        }
    }
}
