package dev.pibl.testing;

import dev.pibl.config.BalancingConfig;
import dev.pibl.config.ScoringConfig;
import dev.pibl.config.ScoringConfig.Action;
import dev.pibl.config.ScoringConfig.TierConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Score-balancing settings for tests, from the defaults, so each test names only its tiers and scorer. */
public final class ScoreConfigs {

    /**
     * A hand-set model that stays put, for tests of PIBL's machinery (actions, admin, pipelining):
     * they must not change when the shipped model is retrained. It catches a client without a
     * User-Agent flooding one path within tens of requests, and lets its first requests through.
     */
    public static final Path DEFAULT_MODEL = Path.of("src/test/resources/models/handset.json");
    /** The model PIBL ships, trained from the simulation, as Maven runs tests from proxy-core. */
    public static final Path SHIPPED_MODEL = Path.of("../config/models/behaviour.json");

    private ScoreConfigs() {
    }

    /** Score balancing with the hand-set test model, refreshing every 10 requests or second, over {@code tiers}. */
    public static BalancingConfig builtin(TierConfig... tiers) {
        return with(new ScoringConfig.ScorerConfig(ScoringConfig.ScorerConfig.Kind.BUILTIN, DEFAULT_MODEL, null), null,
                tiers);
    }

    /** Score balancing with the model PIBL ships (config/models/behaviour.json). */
    public static BalancingConfig shipped(TierConfig... tiers) {
        return with(new ScoringConfig.ScorerConfig(ScoringConfig.ScorerConfig.Kind.BUILTIN, SHIPPED_MODEL, null), null,
                tiers);
    }

    /** Score balancing asking the service at {@code url} (GET ?ip=, field score) with {@code timeout}. */
    public static BalancingConfig http(String url, Duration timeout, TierConfig... tiers) {
        ScoringConfig.HttpScorerConfig http = new ScoringConfig.HttpScorerConfig(java.net.URI.create(url), false, "ip",
                "score", timeout, Duration.ofSeconds(30), 64, 5, Duration.ofSeconds(10));
        return with(new ScoringConfig.ScorerConfig(ScoringConfig.ScorerConfig.Kind.HTTP, null, http), null, tiers);
    }

    /** {@code scorer} for routing, {@code shadow} (nullable) logged only. */
    public static BalancingConfig with(ScoringConfig.ScorerConfig scorer, ScoringConfig.ScorerConfig shadow,
            TierConfig... tiers) {
        return new BalancingConfig(BalancingConfig.Policy.SCORE, new ScoringConfig(scorer, shadow,
                Duration.ofSeconds(1), 10, tiers[0].name(), 0.05, ScoringConfig.ClientsConfig.defaults(),
                List.of(tiers), null));
    }

    public static TierConfig route(String name, double from, double below, String... pool) {
        return new TierConfig(name, from, below, Action.ROUTE, List.of(pool), null, Duration.ofSeconds(30));
    }

    public static TierConfig routeSpilling(String name, double from, double below, String spillTo, String... pool) {
        return new TierConfig(name, from, below, Action.ROUTE, List.of(pool), spillTo, Duration.ofSeconds(30));
    }

    public static TierConfig deny(String name, double from) {
        return new TierConfig(name, from, 1.0, Action.DENY, List.of(), null, Duration.ofSeconds(7));
    }

    public static TierConfig cacheOnly(String name, double from) {
        return new TierConfig(name, from, 1.0, Action.CACHE_ONLY, List.of(), null, Duration.ofSeconds(7));
    }
}
