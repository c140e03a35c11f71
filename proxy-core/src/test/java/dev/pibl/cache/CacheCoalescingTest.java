package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.Origin;
import dev.pibl.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent misses for one URL cost one origin fetch. */
class CacheCoalescingTest {

    private static final int CLIENTS = 50;

    @TempDir
    Path dir;

    @Test
    void fiftyConcurrentMissesMakeOneOriginRequest() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir, c -> c, b -> b.ioThreads(2))) {
            // Slow enough that every client asks while the first fetch is under way.
            f.origin.on("/hot", req -> Origin.reply(200, "hot".getBytes(StandardCharsets.UTF_8), 1000,
                    "Cache-Control", "max-age=60"));

            List<RawHttp.Response> responses = concurrently(f, "/hot");

            assertThat(responses).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("hot");
            });
            assertThat(responses).filteredOn(r -> "HIT".equals(r.header("X-Cache"))).hasSize(CLIENTS - 1);
            assertThat(f.origin.hits("/hot")).isEqualTo(1);
            // On a slow machine a client may only ask once the answer is stored: a plain hit then.
            assertThat(f.cache().stats().coalescedCount()).isBetween(1L, (long) CLIENTS - 1);
        }
    }

    @Test
    void waitersFetchThemselvesWhenTheResponseCannotBeStored() throws Exception {
        try (CacheFixture f = CacheFixture.start(dir, c -> c, b -> b.ioThreads(2))) {
            f.origin.on("/private", req -> Origin.reply(200, "mine".getBytes(StandardCharsets.UTF_8), 300,
                    "Cache-Control", "private"));

            List<RawHttp.Response> responses = concurrently(f, "/private");

            assertThat(responses).allSatisfy(r -> assertThat(r.bodyText()).isEqualTo("mine"));
            assertThat(f.origin.hits("/private")).isEqualTo(CLIENTS);
        }
    }

    private static List<RawHttp.Response> concurrently(CacheFixture f, String path) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<RawHttp.Response>> futures = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                futures.add(pool.submit(() -> f.get(path)));
            }
            List<RawHttp.Response> responses = new ArrayList<>();
            for (Future<RawHttp.Response> future : futures) {
                responses.add(future.get());
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }
}
