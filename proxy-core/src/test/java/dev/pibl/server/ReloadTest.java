package dev.pibl.server;

import static dev.pibl.testing.ScoreConfigs.builtin;
import static dev.pibl.testing.ScoreConfigs.deny;
import static dev.pibl.testing.ScoreConfigs.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pibl.config.BalancingConfig;
import dev.pibl.config.ScoringConfig;
import dev.pibl.config.ServerConfig;
import dev.pibl.testing.LoopbackClient;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.ScoreConfigs;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloading the configuration over real sockets: what changes for the next request on a
 * connection that stays open, what is drained, and what a bad configuration leaves untouched.
 */
class ReloadTest {

    @Test
    void anAddedBackendTakesTrafficOnOpenConnectionsAndARemovedOnesPoolIsClosed() throws Exception {
        try (TestBackend a = TestBackend.start("a");
                TestBackend b = TestBackend.start("b");
                TestBackend c = TestBackend.start("c");
                TestProxy proxy = TestProxy.builder().backend(a).backend(b).start();
                LoopbackClient client = new LoopbackClient("127.0.0.1", proxy.port(), "Mozilla/5.0")) {
            for (int i = 0; i < 4; i++) {
                assertThat(client.get("/").status()).isEqualTo(200);
            }
            assertThat(client.answeredBy()).containsExactly("a", "b", "a", "b");
            assertThat(a.openConnections()).as("PIBL pools its connection to a").isEqualTo(1);

            ReloadResult r = proxy.server().reload(TestProxy.builder().backend(b).backend(c).config());

            assertThat(r.applied()).isTrue();
            assertThat(r.generation()).isEqualTo(2);
            assertThat(r.changed()).contains("backends: added c (" + c.url() + ")",
                    "backends: removed a (" + a.url() + ")");
            assertThat(r.restartRequired()).isEmpty();
            assertThat(proxy.server().generation()).isEqualTo(2);
            for (int i = 0; i < 4; i++) {
                assertThat(client.get("/").status()).isEqualTo(200);
            }
            assertThat(count(client.answeredBy().subList(4, 8))).isEqualTo(Map.of("b", 2, "c", 2));
            await().atMost(5, TimeUnit.SECONDS).untilAsserted(() ->
                    assertThat(a.openConnections()).as("the removed backend's pooled connection closes").isZero());
            assertThat(a.requests()).hasSize(2);
        }
    }

    @Test
    void aConfigurationThatCannotBePutToWorkIsRefusedWholeAndTheRunningOneKept() throws Exception {
        try (TestBackend a = TestBackend.start("a");
                TestBackend b = TestBackend.start("b");
                TestBackend c = TestBackend.start("c");
                TestProxy proxy = TestProxy.builder().backend(a).backend(b).start()) {
            BalancingConfig missingModel = withModel(builtin(route("all", 0, 1, "a", "b", "c")),
                    Path.of("no/such/model.json"));

            ReloadResult r = proxy.server().reload(TestProxy.builder().backend(a).backend(b).backend(c)
                    .balancing(missingModel).config());

            assertThat(r.applied()).isFalse();
            assertThat(r.generation()).isEqualTo(1);
            assertThat(r.problems()).singleElement().asString()
                    .startsWith("balancing.score.model: ").contains("no/such/model.json");
            assertThat(proxy.server().generation()).isEqualTo(1);
            assertThat(proxy.server().scoring()).isNull();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                bodies.add(proxy.get("/").body());
            }
            assertThat(bodies).containsExactly("a", "b", "a", "b");
            assertThat(c.requests()).isEmpty();
        }
    }

    @Test
    void settingsOnlyARestartChangesAreReportedAndKeepTheirRunningValues() throws Exception {
        try (TestBackend a = TestBackend.start("a");
                TestProxy proxy = TestProxy.builder().backend(a).start()) {
            ReloadResult r = proxy.server().reload(TestProxy.builder().backend(a).ioThreads(3)
                    .maxClientConnections(10, ServerConfig.Overload.REJECT)
                    .responseTimeout(Duration.ofSeconds(7)).config());

            assertThat(r.applied()).isTrue();
            assertThat(r.changed()).containsExactly("timeouts.response");
            assertThat(r.restartRequired()).containsExactlyInAnyOrder("server.io-threads", "server.max-connections");
            assertThat(proxy.server().config().server().maxConnections()).isZero();
            assertThat(proxy.server().config().timeouts().response()).isEqualTo(Duration.ofSeconds(7));
            assertThat(proxy.server().settings().responseTimeoutNanos()).isEqualTo(Duration.ofSeconds(7).toNanos());
        }
    }

    @Test
    void reloadingAnUnchangedConfigurationKeepsTheRunningGeneration() throws Exception {
        try (TestBackend a = TestBackend.start("a");
                TestProxy proxy = TestProxy.builder().backend(a).start()) {
            ProxySettingsProbe before = new ProxySettingsProbe(proxy);

            ReloadResult r = proxy.server().reload(TestProxy.builder().backend(a).config());

            assertThat(r.applied()).isTrue();
            assertThat(r.changed()).isEmpty();
            assertThat(r.generation()).isEqualTo(1);
            assertThat(before.unchanged()).isTrue();
        }
    }

    @Test
    void aShorterResponseTimeoutAppliesFromTheNextExchange() throws Exception {
        try (TestBackend slow = TestBackend.start("slow", (ctx, req, self) -> ctx.executor().schedule(
                        () -> self.reply(ctx, req, HttpResponseStatus.OK, "late"), 400, TimeUnit.MILLISECONDS));
                TestProxy proxy = TestProxy.builder().backend(slow).responseTimeout(Duration.ofSeconds(5)).start();
                RawHttp http = new RawHttp(proxy.port())) {
            assertThat(http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);

            proxy.server().reload(TestProxy.builder().backend(slow).responseTimeout(Duration.ofMillis(100)).config());

            RawHttp.Response r = http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(504);
        }
    }

    @Test
    void switchingThePolicyToScoreDeniesAFlooderOnTheConnectionItKeepsOpenAndSwitchingBackLetsItIn()
            throws Exception {
        try (TestBackend main = TestBackend.start("main");
                TestProxy proxy = TestProxy.builder().backend(main).start();
                LoopbackClient flooder = new LoopbackClient("127.0.0.3", proxy.port(), null)) {
            for (int i = 0; i < 20; i++) {
                assertThat(flooder.get("/").status()).isEqualTo(200);
            }
            ReloadResult toScore = proxy.server().reload(TestProxy.builder().backend(main)
                    .balancing(builtin(route("trusted", 0, 0.5, "main"), deny("abusive", 0.5))).config());
            assertThat(toScore.changed()).contains("balancing.policy");

            int denied = 0;
            for (int i = 0; i < 200 && denied == 0; i++) {
                if (flooder.get("/").status() == 429) {
                    denied = i + 1;
                }
            }
            assertThat(denied).as("requests on the same connection until the first 429").isBetween(1, 100);
            try (LoopbackClient polite = new LoopbackClient("127.0.0.2", proxy.port(), "Mozilla/5.0")) {
                assertThat(polite.get("/").status()).isEqualTo(200);
            }

            proxy.server().reload(TestProxy.builder().backend(main).config());

            assertThat(flooder.get("/").status()).isEqualTo(200);
            assertThat(proxy.server().scoring()).isNull();
        }
    }

    @Test
    void aModelFileRetrainedInPlaceIsLoadedByAReloadAndClientsAreScoredByIt(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.json");
        String handset = Files.readString(ScoreConfigs.DEFAULT_MODEL);
        Files.writeString(model, handset);
        BalancingConfig scored = withModel(builtin(route("all", 0, 1, "main")), model);
        try (TestBackend main = TestBackend.start("main");
                TestProxy proxy = TestProxy.builder().backend(main).balancing(scored).start();
                LoopbackClient client = new LoopbackClient("127.0.0.4", proxy.port(), "Mozilla/5.0")) {
            client.get("/");
            assertThat(proxy.server().scoring().scorer().version()).isEqualTo("behaviour-handset-1");
            Files.writeString(model, handset.replace("behaviour-handset-1", "behaviour-retrained-2"));

            ReloadResult r = proxy.server().reload(TestProxy.builder().backend(main).balancing(scored).config());

            assertThat(r.changed()).containsExactly("balancing.score.model: the model file changed");
            assertThat(proxy.server().scoring().scorer().version()).isEqualTo("behaviour-retrained-2");
            assertThat(proxy.server().scoring().clients().find("127.0.0.4").requests())
                    .as("the client's behaviour so far is kept").isEqualTo(1);
            client.get("/");
            assertThat(proxy.awaitAccessLog(2).get(1)).contains("model=behaviour-retrained-2");
        }
    }

    @Test
    void theAccessLogDetailChangesFromTheNextExchange() throws Exception {
        try (TestBackend a = TestBackend.start("a");
                TestProxy proxy = TestProxy.builder().backend(a).start();
                RawHttp http = new RawHttp(proxy.port())) {
            http.send("GET /one HTTP/1.1\r\nHost: x\r\nX-Trace: 1\r\n\r\n").read();

            ReloadResult r = proxy.server().reload(TestProxy.builder().backend(a).logHeaders().config());
            http.send("GET /two HTTP/1.1\r\nHost: x\r\nX-Trace: 2\r\n\r\n").read();

            assertThat(r.changed()).containsExactly("logging.detail");
            List<String> lines = proxy.awaitAccessLog(2);
            assertThat(lines.get(0)).contains("/one").doesNotContain("X-Trace");
            assertThat(lines.get(1)).contains("/two").containsIgnoringCase("x-trace");
        }
    }

    private static BalancingConfig withModel(BalancingConfig b, Path model) {
        ScoringConfig s = b.score();
        ScoringConfig.ScorerConfig scorer = new ScoringConfig.ScorerConfig(ScoringConfig.ScorerConfig.Kind.BUILTIN,
                model, null);
        return new BalancingConfig(b.policy(), new ScoringConfig(scorer, s.shadow(), s.refreshInterval(),
                s.refreshRequests(), s.fallbackTier(), s.hysteresis(), s.clients(), s.tiers(), s.exportFeatures()));
    }

    /** Whether the proxy still runs on the very settings object it had when this was made. */
    private record ProxySettingsProbe(TestProxy proxy, Object settings) {
        ProxySettingsProbe(TestProxy proxy) {
            this(proxy, proxy.server().settings());
        }

        boolean unchanged() {
            return proxy.server().settings() == settings;
        }
    }

    static Map<String, Integer> count(List<String> answeredBy) {
        Map<String, Integer> counts = new HashMap<>();
        answeredBy.forEach(name -> counts.merge(name, 1, Integer::sum));
        return counts;
    }
}
