package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which freshness a stored response gets: the origin's, the default TTL, --ttl, or forced. */
class CacheTtlTest {

    @TempDir
    Path dir;

    @Test
    void defaultTtlAppliesWhenTheOriginSaysNothing() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) { // default-ttl: 60s
            f.origin.on("/d", 200, "d");
            f.get("/d");

            f.advance(Duration.ofSeconds(59));
            RawHttp.Response fresh = f.get("/d");
            f.advance(Duration.ofSeconds(2));
            RawHttp.Response expired = f.get("/d");

            assertThat(fresh.header("X-Cache")).isEqualTo("HIT");
            assertThat(expired.header("X-Cache")).isEqualTo("MISS");
            assertThat(f.origin.hits("/d")).isEqualTo(2);
        }
    }

    @Test
    void ttlGivenAtLaunchReplacesTheConfiguredDefault() throws Exception {
        // What `pibl --ttl 5s` does to the configuration (ConfigLoader.applyOverrides).
        try (CacheFixture f = CacheFixture.start(dir, c -> c.withDefaultTtl(Duration.ofSeconds(5)))) {
            f.origin.on("/d", 200, "d");
            f.get("/d");

            f.advance(Duration.ofSeconds(4));
            RawHttp.Response fresh = f.get("/d");
            f.advance(Duration.ofSeconds(2));
            RawHttp.Response expired = f.get("/d");

            assertThat(fresh.header("X-Cache")).isEqualTo("HIT");
            assertThat(expired.header("X-Cache")).isEqualTo("MISS");
        }
    }

    @Test
    void originFreshnessWinsOverTheDefault() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/o", 200, "o", "Cache-Control", "max-age=5");
            f.get("/o");

            f.advance(Duration.ofSeconds(6));

            assertThat(f.get("/o").header("X-Cache")).isEqualTo("MISS");
        }
    }

    @Test
    void forcedTtlWinsOverTheOrigin() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir, c -> CacheFixture.ttl(c, Duration.ofSeconds(60), true, false))) {
            f.origin.on("/o", 200, "o", "Cache-Control", "max-age=5");
            f.get("/o");

            f.advance(Duration.ofSeconds(30));
            RawHttp.Response hit = f.get("/o");

            assertThat(hit.header("X-Cache")).isEqualTo("HIT");
            assertThat(hit.header("Cache-Status")).isEqualTo("pibl; hit; ttl=30");
        }
    }

    @Test
    void expiresAndDateGiveTheFreshnessAndAgeCountsFromDate() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            long now = f.clock.millis();
            // Generated 10 s ago (Date), fresh until 20 s from now: 30 s lifetime, 10 s old on arrival.
            f.origin.on("/e", 200, "e", "Date", HttpDates.format(now - 10_000), "Expires", HttpDates.format(now + 20_000));
            f.get("/e");

            RawHttp.Response hit = f.get("/e");
            f.advance(Duration.ofSeconds(21));
            RawHttp.Response expired = f.get("/e");

            assertThat(hit.header("Age")).isEqualTo("10");
            assertThat(hit.header("Cache-Status")).isEqualTo("pibl; hit; ttl=20");
            assertThat(expired.header("X-Cache")).isEqualTo("MISS");
        }
    }

    @Test
    void withoutDefaultTtlNothingUnreusableIsStored() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir, c -> CacheFixture.ttl(c, Duration.ZERO, false, false))) {
            f.origin.on("/plain", 200, "p");
            f.origin.on("/maxage", 200, "m", "Cache-Control", "max-age=60");

            RawHttp.Response plain = f.get("/plain");
            RawHttp.Response plainAgain = f.get("/plain");
            f.get("/maxage");

            assertThat(plain.header("Cache-Status")).contains("detail=no-freshness");
            assertThat(plainAgain.header("X-Cache")).isEqualTo("MISS");
            assertThat(f.get("/maxage").header("X-Cache")).isEqualTo("HIT");
        }
    }

    @Test
    void heuristicFreshnessOnlyWhenConfigured() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir, c -> CacheFixture.ttl(c, Duration.ZERO, false, true))) {
            long now = f.clock.millis();
            // Last modified 100 s before Date: 10% gives 10 s of freshness.
            f.origin.on("/lm", 200, "lm", "Date", HttpDates.format(now), "Last-Modified", HttpDates.format(now - 100_000));
            f.get("/lm");

            f.advance(Duration.ofSeconds(9));
            RawHttp.Response fresh = f.get("/lm");

            assertThat(fresh.header("X-Cache")).isEqualTo("HIT");
        }
    }
}
