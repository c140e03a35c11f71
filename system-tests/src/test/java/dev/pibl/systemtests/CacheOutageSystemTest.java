package dev.pibl.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pibl.systemtests.Pibl.Exchange;
import dev.pibl.testing.LoopbackClient;
import dev.pibl.testing.MutableClock;
import dev.pibl.testing.RawHttp;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 5: with the cache on, every backend host is stopped. Fresh entries are still served as
 * hits and stale ones under stale-if-error, while what was never cached fails; PIBL is then
 * restarted on the same cache directory with the hosts still down, and serves both again from
 * disk. Staleness comes from moving the cache's clock, not from waiting.
 */
@SystemTest
@Timeout(180)
class CacheOutageSystemTest {

    @TempDir
    Path dir;

    @Test
    void withEveryHostDownTheCacheServesFreshAndStaleEntriesAcrossARestart() throws Exception {
        MutableClock clock = new MutableClock();
        byte[] page;
        byte[] file;
        try (BackendHosts hosts = BackendHosts.start("node-1", "node-2")) {
            try (Pibl pibl = Pibl.start(config(hosts), clock);
                    LoopbackClient client = new LoopbackClient("127.0.0.1", pibl.port(), "pibl-system-test")) {
                file = fetch(client, "/static/1k.bin", "MISS").body(); // max-age=60, like every static file
                fetch(client, "/static/style.css", "MISS");
                fetch(client, "/static/1k.bin", "HIT");
                clock.advance(Duration.ofSeconds(61)); // those two are stale now
                page = fetch(client, "/static/index.html", "MISS").body(); // fresh for another minute
                awaitOnDisk(pibl, 3);

                hosts.stop("node-1");
                hosts.stop("node-2");

                assertThat(fetch(client, "/static/index.html", "HIT").body()).isEqualTo(page);
                RawHttp.Response stale = fetch(client, "/static/1k.bin", "STALE");
                assertThat(stale.body()).isEqualTo(file);
                assertThat(stale.header("Cache-Status")).contains("detail=stale-if-error");
                RawHttp.Response neverCached = client.get("/static/100k.bin");
                assertThat(neverCached.status()).as("nothing to fall back on: the hosts are really gone")
                        .isIn(502, 503, 504);
                JsonNode stats = pibl.adminJson("/admin/cache");
                assertThat(stats.get("hits").asLong()).isGreaterThanOrEqualTo(2);
                assertThat(stats.get("stale").asLong()).isEqualTo(1);
            }

            // Same directory, same clock, hosts still down: a new server with an empty memory tier.
            try (Pibl pibl = Pibl.start(config(hosts), clock);
                    LoopbackClient client = new LoopbackClient("127.0.0.1", pibl.port(), "pibl-system-test")) {
                Awaitility.await("the disk index").atMost(Duration.ofSeconds(30))
                        .until(() -> pibl.adminJson("/admin/cache").get("diskIndexed").asBoolean());
                JsonNode before = pibl.adminJson("/admin/cache");
                assertThat(before.get("memoryEntries").asLong()).isZero();
                assertThat(before.get("diskEntries").asLong()).isEqualTo(3);

                assertThat(fetch(client, "/static/index.html", "HIT").body()).as("a hit from disk").isEqualTo(page);
                RawHttp.Response stale = fetch(client, "/static/1k.bin", "STALE");
                assertThat(stale.body()).isEqualTo(file);
                assertThat(stale.header("Cache-Status")).contains("detail=stale-if-error");
                assertThat(fetch(client, "/static/style.css", "STALE").body()).hasSize(196);
                assertThat(pibl.awaitExchanges(e -> "HIT".equals(e.cache()), 1)).as("the hit asked no backend")
                        .extracting(Exchange::backend).containsOnlyNulls();
            }
        }
    }

    private static RawHttp.Response fetch(LoopbackClient client, String path, String xCache) throws Exception {
        RawHttp.Response r = client.get(path);
        assertThat(r.status()).as("GET %s", path).isEqualTo(200);
        assertThat(r.header("X-Cache")).as("X-Cache of GET %s", path).isEqualTo(xCache);
        return r;
    }

    private static void awaitOnDisk(Pibl pibl, int entries) {
        // Stores reach the disk in the background; the restart below must find them there.
        Awaitility.await(entries + " entries on disk").atMost(Duration.ofSeconds(30))
                .until(() -> pibl.adminJson("/admin/cache").get("diskEntries").asLong() >= entries);
    }

    private String config(BackendHosts hosts) {
        return """
                server: { port: 0, bind: 127.0.0.1, io-threads: 2 }
                %s
                timeouts: { connect: 500ms, response: 2s }
                upstream: { max-tries: 2 }
                health:
                  passive: { enabled: true, consecutive-failures: 3, ejection-time: 30s }
                cache: { enabled: true, directory: "%s", stale-if-error: 10m }
                logging: { format: json, stdout: false }
                admin: { enabled: true, port: 0, bind: 127.0.0.1 }
                """.formatted(hosts.backendsYaml(), dir.resolve("cache"));
    }
}
