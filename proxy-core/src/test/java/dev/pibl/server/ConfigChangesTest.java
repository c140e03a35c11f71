package dev.pibl.server;

import static dev.pibl.testing.ScoreConfigs.builtin;
import static dev.pibl.testing.ScoreConfigs.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.BalancingConfig;
import dev.pibl.config.PiblConfig;
import dev.pibl.testing.TestProxy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which keys a reload reports as applied, which as needing a restart, and what runs meanwhile. */
class ConfigChangesTest {

    private static TestProxy.Builder base() {
        return TestProxy.builder().backend("a", 9001, 1).backend("b", 9002, 1);
    }

    @Test
    void backendsAreComparedByNameAndReportedAsAddedRemovedOrChanged() {
        PiblConfig running = base().config();
        PiblConfig loaded = TestProxy.builder().backend("b", 9002, 5).backend("c", 9003, 1).config();

        ConfigChanges changes = ConfigChanges.between(running, loaded);

        assertThat(changes.applied()).containsExactly("backends.b.weight: 1 -> 5",
                "backends: added c (http://127.0.0.1:9003)", "backends: removed a (http://127.0.0.1:9001)");
        assertThat(changes.restartRequired()).isEmpty();
    }

    @Test
    void nestedSectionsAreNamedByTheirYamlKeys() {
        PiblConfig running = base().config();
        PiblConfig loaded = base().clientHeaderTimeout(Duration.ofSeconds(3)).maxTries(1)
                .balancing(builtin(route("all", 0, 1, "a", "b"))).config();

        ConfigChanges changes = ConfigChanges.between(running, loaded);

        assertThat(changes.applied()).containsExactly("balancing.policy", "balancing.score",
                "timeouts.client-header", "upstream.max-tries");
    }

    @Test
    void restartOnlyChangesKeepTheirRunningValuesInTheEffectiveConfiguration() {
        PiblConfig running = base().config();
        PiblConfig loaded = base().ioThreads(7).trustedProxies("10.0.0.0/8").logHeaders().admin("token").config();

        ConfigChanges changes = ConfigChanges.between(running, loaded);

        assertThat(changes.restartRequired()).containsExactlyInAnyOrder("server.io-threads", "admin.enabled",
                "admin.token", "admin.port");
        assertThat(changes.applied()).containsExactlyInAnyOrder("server.trusted-proxies", "logging.detail");
        PiblConfig effective = changes.effective();
        assertThat(effective.server().ioThreads()).isEqualTo(running.server().ioThreads());
        assertThat(effective.admin()).isEqualTo(running.admin());
        assertThat(effective.server().trustedProxies()).containsExactly("10.0.0.0/8");
        assertThat(effective.logging().detail()).isEqualTo(loaded.logging().detail());
    }

    @Test
    void exportingFeaturesNeedsARestartEvenWhenAReloadTurnsScoreBalancingOn() {
        BalancingConfig scored = builtin(route("all", 0, 1, "a", "b"));
        BalancingConfig exporting = new BalancingConfig(scored.policy(),
                scored.score().withExportFeatures(Path.of("features.jsonl")));

        ConfigChanges changes = ConfigChanges.between(base().config(), base().balancing(exporting).config());

        assertThat(changes.applied()).containsExactly("balancing.policy", "balancing.score");
        assertThat(changes.restartRequired()).containsExactly("balancing.score.export-features");
        assertThat(changes.effective().balancing().score().exportFeatures()).isNull();
    }

    @Test
    void yamlKeysAreTheRecordComponentsInKebabCase() {
        assertThat(ConfigChanges.kebab("clientHeader")).isEqualTo("client-header");
        assertThat(ConfigChanges.kebab("maxEjectedPercent")).isEqualTo("max-ejected-percent");
        assertThat(ConfigChanges.kebab("port")).isEqualTo("port");
    }
}
