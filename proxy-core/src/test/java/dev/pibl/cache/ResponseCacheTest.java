package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.CacheConfig;
import dev.pibl.testing.MutableClock;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store behind the cache stage: memory bounded by bytes over the disk, keep-until expiry, purges. */
class ResponseCacheTest {

    private final MutableClock clock = new MutableClock();
    private ResponseCache cache;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    private ResponseCache open(long memorySize) throws Exception {
        CacheConfig c = CacheFixture.sizes(CacheConfig.defaults(dir), memorySize, 1L << 30, memorySize);
        cache = ResponseCache.open(c, clock, Runnable::run);
        cache.indexed().get();
        return cache;
    }

    private CacheEntry entry(String key, int bodyLength, long keepFor) {
        return entry(key, bodyLength, keepFor, List.of());
    }

    private CacheEntry entry(String key, int bodyLength, long keepFor, List<String> vary) {
        long now = clock.millis();
        return new CacheEntry(key, 200, "OK", List.of(new Header("Content-Type", "text/plain")), now, now, 0, 60_000, 0,
                0, false, false, null, null, vary, now + keepFor, bodyLength);
    }

    private static ByteBuffer body(int n) {
        return ByteBuffer.allocateDirect(n);
    }

    @Test
    void memoryIsBoundedByBytesAndEvictedEntriesStayOnDisk() throws Exception {
        open(100_000);
        for (int i = 0; i < 20; i++) {
            cache.store("h/" + i, entry("h/" + i, 10_000, 600_000), body(10_000));
        }
        cache.cleanUp();

        assertThat(cache.memoryBytes()).isLessThanOrEqualTo(100_000);
        assertThat(cache.memoryEntries()).isBetween(1L, 9L);
        assertThat(cache.stats().memoryEvictions()).isGreaterThanOrEqualTo(11);
        assertThat(cache.diskEntries()).isEqualTo(20);
        String evicted = java.util.stream.IntStream.range(0, 20).mapToObj(i -> "h/" + i)
                .filter(k -> cache.inMemory(k) == null).findFirst().orElseThrow();
        assertThat(cache.onDisk(evicted)).isNotNull();
        assertThat(cache.load(evicted).get().body().remaining()).isEqualTo(10_000);
    }

    @Test
    void entriesLeaveMemoryWhenNoLongerWorthKeeping() throws Exception {
        open(1 << 20);
        cache.store("h/a", entry("h/a", 10, 5_000), body(10));

        clock.advance(Duration.ofSeconds(4));
        assertThat(cache.inMemory("h/a")).isNotNull();
        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.inMemory("h/a")).isNull();
        assertThat(cache.onDisk("h/a")).isNull();
    }

    @Test
    void invalidateRemovesEveryVariantOfTheUrlOnly() throws Exception {
        open(1 << 20);
        List<String> vary = List.of("accept-language");
        cache.store("h/v", entry("h/v" + CachePolicy.VARY_SEPARATOR + "en", 1, 600_000, vary), body(1));
        cache.store("h/v", entry("h/v" + CachePolicy.VARY_SEPARATOR + "fr", 1, 600_000, vary), body(1));
        cache.store("h/vw", entry("h/vw", 1, 600_000), body(1));

        cache.invalidate("h/v");

        assertThat(cache.inMemory("h/v" + CachePolicy.VARY_SEPARATOR + "en")).isNull();
        assertThat(cache.onDisk("h/v" + CachePolicy.VARY_SEPARATOR + "fr")).isNull();
        assertThat(cache.inMemory("h/vw")).isNotNull();
    }

    @Test
    void variantsOnDiskAreKnownAgainAfterARestart() throws Exception {
        open(1 << 20);
        List<String> vary = List.of("accept-language");
        String en = "h/v" + CachePolicy.VARY_SEPARATOR + "en";
        cache.store("h/v", entry(en, 1, 600_000, vary), body(1));
        cache.close();
        cache = ResponseCache.open(CacheConfig.defaults(dir), clock, Runnable::run);
        cache.indexed().get();

        HeaderView english = HeaderView.of(List.of(new Header("Accept-Language", "en")));
        assertThat(cache.variantKey("h/v", english)).isEqualTo(CachePolicy.variantKey("h/v", vary, english));
        assertThat(cache.invalidate("h/v")).isEqualTo(1);
        assertThat(cache.onDisk(en)).isNull();
    }

    @Test
    void purgeByPathMatchesEveryHostAndNothingElse() throws Exception {
        open(1 << 20);
        cache.store("a.example/x", entry("a.example/x", 1, 600_000), body(1));
        cache.store("b.example/x", entry("b.example/x", 1, 600_000), body(1));
        cache.store("a.example/x/y", entry("a.example/x/y", 1, 600_000), body(1));

        assertThat(cache.purge(null, "/x")).isEqualTo(2);
        assertThat(cache.inMemory("a.example/x/y")).isNotNull();
    }
}
