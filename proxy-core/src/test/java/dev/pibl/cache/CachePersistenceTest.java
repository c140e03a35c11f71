package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.CacheConfig;
import dev.pibl.testing.MutableClock;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk tier seen through the proxy: a restart keeps the cache, a damaged file is never served. */
class CachePersistenceTest {

    @TempDir
    Path dir;

    @Test
    void restartedProxyServesHitsWithTheOriginStopped() throws Exception {
        MutableClock clock = new MutableClock();
        CacheConfig config = CacheConfig.defaults(dir.resolve("cache"));
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/p", 200, "persisted", "Cache-Control", "max-age=600", "ETag", "\"p\"");
            f.get("/p");
            awaitFiles(f.directory.resolve("cache"), 1);
        }
        // Origin and proxy are gone; a new proxy on the same directory, its backend port closed.
        try (TestProxy proxy = TestProxy.builder().backend("gone", 1, 1).cache(config).clock(clock).start()) {
            proxy.server().cache().indexed().get();

            RawHttp.Response r = get(proxy, "/p");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("persisted");
            assertThat(r.header("X-Cache")).isEqualTo("HIT");
            assertThat(r.header("ETag")).isEqualTo("\"p\"");
        }
    }

    @Test
    void objectFoundOnlyOnDiskIsServedWholeAndThenKeptInMemory() throws Exception {
        MutableClock clock = new MutableClock();
        CacheConfig config = CacheConfig.defaults(dir.resolve("cache"));
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + (i >> 8));
        }
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/big", req -> dev.pibl.testing.Origin.reply(200, big, 0, "Cache-Control", "max-age=600"));
            f.get("/big");
            awaitFiles(f.directory.resolve("cache"), 1);
        }
        try (TestProxy proxy = TestProxy.builder().backend("gone", 1, 1).cache(config).clock(clock).start()) {
            ResponseCache cache = proxy.server().cache();
            cache.indexed().get();
            String key = CachePolicy.urlKey("test", "/big");
            assertThat(cache.inMemory(key)).isNull();

            RawHttp.Response first = get(proxy, "/big");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> cache.inMemory(key) != null);
            RawHttp.Response second = get(proxy, "/big");

            assertThat(first.header("X-Cache")).isEqualTo("HIT");
            assertThat(first.body()).isEqualTo(big);
            assertThat(second.body()).isEqualTo(big);
            assertThat(proxy.awaitAccessLog(2)).allSatisfy(line ->
                    assertThat(line).contains(" 200 0 " + big.length + " ").contains("cache=HIT"));
        }
    }

    @Test
    void corruptedFileIsDroppedAndNeverServed() throws Exception {
        MutableClock clock = new MutableClock();
        CacheConfig config = CacheConfig.defaults(dir.resolve("cache"));
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/c", 200, "precious bytes", "Cache-Control", "max-age=600");
            f.get("/c");
            awaitFiles(f.directory.resolve("cache"), 1);
        }
        Path file = cacheFiles(dir.resolve("cache")).get(0);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 10] ^= 0x55; // inside the body: only the body checksum can tell
        Files.write(file, bytes);
        try (TestProxy proxy = TestProxy.builder().backend("gone", 1, 1).cache(config).clock(clock).start()) {
            proxy.server().cache().indexed().get();

            RawHttp.Response r = get(proxy, "/c");

            assertThat(r.status()).isEqualTo(502);
            assertThat(r.bodyText()).doesNotContain("precious");
            assertThat(file).doesNotExist();
        }
    }

    @Test
    void expiredEntriesDoNotComeBackAfterARestart() throws Exception {
        CacheConfig config = CacheConfig.defaults(dir.resolve("cache"));
        MutableClock later = new MutableClock();
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/x", 200, "x", "Cache-Control", "max-age=5");
            f.get("/x");
            awaitFiles(f.directory.resolve("cache"), 1);
        }
        later.advance(Duration.ofHours(1));
        try (TestProxy proxy = TestProxy.builder().backend("gone", 1, 1).cache(config).clock(later).start()) {
            DiskStore.IndexStats stats = proxy.server().cache().indexed().get();

            assertThat(stats.entries()).isZero();
            assertThat(get(proxy, "/x").status()).isEqualTo(502);
        }
    }

    private static RawHttp.Response get(TestProxy proxy, String path) throws IOException {
        try (RawHttp http = new RawHttp(proxy.port())) {
            return http.send("GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").read();
        }
    }

    static void awaitFiles(Path cacheDir, int n) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> cacheFiles(cacheDir).size() >= n);
    }

    static List<Path> cacheFiles(Path cacheDir) throws IOException {
        if (!Files.isDirectory(cacheDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(cacheDir)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp"))
                    .filter(p -> !p.getFileName().toString().equals(".lock")).toList();
        }
    }
}
