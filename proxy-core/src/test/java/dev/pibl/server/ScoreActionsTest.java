package dev.pibl.server;

import static dev.pibl.testing.ScoreConfigs.builtin;
import static dev.pibl.testing.ScoreConfigs.cacheOnly;
import static dev.pibl.testing.ScoreConfigs.deny;
import static dev.pibl.testing.ScoreConfigs.route;
import static dev.pibl.testing.ScoreConfigs.routeSpilling;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.CacheConfig;
import dev.pibl.testing.HealthConfigs;
import dev.pibl.testing.LoopbackClient;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the tiers' actions do to a flooding client: deny, cache-only, and spill-over when a pool is down. */
class ScoreActionsTest {

    @Test
    void aDeniedClientGets429WithRetryAfterAndNoBackendSeesIt() throws Exception {
        try (TestBackend main = TestBackend.start("main");
                TestProxy proxy = TestProxy.builder().backend(main)
                        .balancing(builtin(route("trusted", 0, 0.5, "main"), deny("abusive", 0.5))).start();
                LoopbackClient flooder = new LoopbackClient("127.0.0.3", proxy.port(), null)) {
            int firstDenied = -1;
            for (int i = 1; i <= 200; i++) {
                RawHttp.Response r = flooder.get("/");
                if (r.status() == 429 && firstDenied < 0) {
                    firstDenied = i;
                    assertThat(r.header("Retry-After")).isEqualTo("7");
                    assertThat(r.bodyText()).contains("client denied (tier abusive)");
                }
                if (firstDenied > 0) {
                    assertThat(r.status()).as("request %d, after the first denial", i).isEqualTo(429);
                }
            }
            assertThat(firstDenied).isBetween(2, 50);
            assertThat(main.requests()).hasSize(firstDenied - 1);
            assertThat(proxy.awaitAccessLog(200).get(199))
                    .contains(" 429 ").contains("backend=- upstream=-").contains("tier=abusive");
            // A polite client from another address is not affected.
            try (LoopbackClient polite = new LoopbackClient("127.0.0.2", proxy.port(), "Mozilla/5.0")) {
                assertThat(polite.get("/").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aCacheOnlyClientIsServedHitsAndRefusedEverythingElse(@TempDir Path dir) throws Exception {
        try (TestBackend main = TestBackend.start("main");
                TestProxy proxy = TestProxy.builder().backend(main).cache(CacheConfig.defaults(dir))
                        .balancing(builtin(route("trusted", 0, 0.5, "main"), cacheOnly("scrapers", 0.5))).start();
                LoopbackClient flooder = new LoopbackClient("127.0.0.3", proxy.port(), null)) {
            int firstRefused = -1;
            int backendRequestsThen = -1;
            for (int i = 1; i <= 200; i++) {
                // Every other request is for a page nobody asked for before: never in the cache.
                boolean cached = i % 2 == 1;
                RawHttp.Response r = flooder.get(cached ? "/" : "/page/" + i);
                if (firstRefused < 0 && r.status() == 429) {
                    firstRefused = i;
                    backendRequestsThen = main.requests().size();
                    assertThat(r.header("Retry-After")).isEqualTo("7");
                    assertThat(r.header("Cache-Status")).isEqualTo("pibl; fwd=miss; detail=cache-only");
                }
                if (firstRefused > 0) {
                    assertThat(r.status()).as("request %d", i).isEqualTo(cached ? 200 : 429);
                    if (cached) {
                        assertThat(r.header("X-Cache")).isEqualTo("HIT");
                    }
                }
            }
            assertThat(firstRefused).isBetween(2, 50);
            assertThat(main.requests()).as("no backend request once the client is cache-only")
                    .hasSize(backendRequestsThen);
        }
    }

    @Test
    void aRequestWhoseTiersLastBackendFailsIsRetriedOnTheSpillOverTier() throws Exception {
        try (TestBackend main = TestBackend.start("main"); TestBackend jail = TestBackend.start("jail")) {
            int jailPort = jail.port();
            jail.close(); // down, but no health check has said so: the first pick still takes it
            // The failure ejects it (passive checks), so only the request that found it down is a
            // retry; the retry budget would otherwise, rightly, stop retries under a flood.
            try (TestProxy proxy = TestProxy.builder().backend(main).backend("jail", jailPort, 1)
                    .health(HealthConfigs.passive(1, Duration.ofSeconds(30), 100, false))
                    .balancing(builtin(route("trusted", 0, 0.5, "main"),
                            routeSpilling("restricted", 0.5, 1, "trusted", "jail")))
                    .start();
                    LoopbackClient flooder = new LoopbackClient("127.0.0.3", proxy.port(), null)) {
                for (int i = 0; i < 100; i++) {
                    assertThat(flooder.get("/").status()).as("request %d", i + 1).isEqualTo(200);
                }
                assertThat(proxy.awaitAccessLog(100)).filteredOn(l -> l.contains("tier=restricted"))
                        .isNotEmpty().allMatch(l -> l.contains("backend=main "));
            }
        }
    }

    @Test
    void aTierWhosePoolIsDownSpillsOverToItsFallbackTier() throws Exception {
        try (TestBackend main = TestBackend.start("main"); TestBackend jail = TestBackend.start("jail")) {
            int jailPort = jail.port();
            jail.close(); // the restricted pool's only backend is down, and its health checks say so
            try (TestProxy proxy = TestProxy.builder().backend(main).backend("jail", jailPort, 1)
                    .health(HealthConfigs.active(Duration.ofMillis(100)))
                    .balancing(builtin(route("trusted", 0, 0.5, "main"),
                            routeSpilling("restricted", 0.5, 1, "trusted", "jail")))
                    .start();
                    LoopbackClient flooder = new LoopbackClient("127.0.0.3", proxy.port(), null)) {
                Thread.sleep(600); // two failed checks (fall 2) mark it down
                for (int i = 0; i < 150; i++) {
                    assertThat(flooder.get("/").status()).as("request %d", i + 1).isEqualTo(200);
                }
                assertThat(flooder.answeredBy()).containsOnly("main");
                assertThat(proxy.awaitAccessLog(150)).filteredOn(l -> l.contains("tier=restricted"))
                        .as("the flooder was moved to the restricted tier, whose requests went to main")
                        .isNotEmpty().allMatch(l -> l.contains("backend=main "));
            }
        }
    }
}
