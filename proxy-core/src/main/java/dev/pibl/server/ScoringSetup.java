package dev.pibl.server;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.pibl.config.PiblConfig;
import dev.pibl.http.ScoringHandler;
import dev.pibl.config.ScoringConfig;
import dev.pibl.config.ScoringConfig.ScorerConfig;
import dev.pibl.config.ScoringConfig.TierConfig;
import dev.pibl.config.TrustedProxies;
import dev.pibl.scoring.BuiltinScorer;
import dev.pibl.scoring.ClientKeys;
import dev.pibl.scoring.ClientTracker;
import dev.pibl.scoring.FeatureExport;
import dev.pibl.scoring.LogisticModel;
import dev.pibl.scoring.ModelException;
import dev.pibl.scoring.Scorer;
import dev.pibl.scoring.ScoringService;
import dev.pibl.scoring.Tier;
import dev.pibl.scoring.TierAction;
import dev.pibl.scoring.Tiers;
import dev.pibl.scoring.UserAgents;
import dev.pibl.upstream.HttpScorer;
import io.netty.channel.socket.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds score-based balancing from its configuration: the scorers (loading model files), the
 * tiers, the client tracker and how clients are told apart. Also checks what the configuration
 * loader cannot (that model files load), for {@code --check}. Runs on the starting thread.
 */
public final class ScoringSetup {

    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    private ScoringSetup() {
    }

    /** What score balancing runs on: the service and how the scoring stage finds each client. */
    public record Scoring(ScoringService service, ClientKeys keys) implements ScoringHandler.Source {
    }

    /**
     * Problems a valid configuration can still have at start: model files that do not load, and
     * (as a second guard behind the loader's checks) tiers the scoring core refuses. Empty when
     * there are none or the policy is not score.
     */
    public static List<String> check(PiblConfig config) {
        List<String> problems = new ArrayList<>();
        ScoringConfig score = config.balancing().score();
        if (score == null) {
            return problems;
        }
        try {
            tiers(score);
        } catch (IllegalArgumentException e) {
            problems.add("balancing.score.tiers: " + e.getMessage());
        }
        checkModel(score.scorer(), "balancing.score.model", problems);
        if (score.shadow() != null) {
            checkModel(score.shadow(), "balancing.score.shadow.model", problems);
        }
        return problems;
    }

    private static void checkModel(ScorerConfig scorer, String key, List<String> problems) {
        if (scorer.kind() != ScorerConfig.Kind.BUILTIN) {
            return;
        }
        try {
            LogisticModel.load(scorer.model());
        } catch (ModelException e) {
            problems.add(key + ": " + e.getMessage());
        }
    }

    /**
     * Score balancing for {@code config}, or null when the policy is not score.
     *
     * @throws IllegalStateException naming the key when a model does not load or a scoring service
     *                               host does not resolve
     */
    static Scoring create(PiblConfig config, Class<? extends SocketChannel> channelClass) {
        return create(config, channelClass, null);
    }

    /**
     * Like {@link #create(PiblConfig, Class)}, for a reload: with {@code tracker} non-null the new
     * service keeps tracking clients in it (their recent behaviour is not forgotten), which is right
     * only when {@code balancing.score.clients} did not change.
     */
    static Scoring create(PiblConfig config, Class<? extends SocketChannel> channelClass, ClientTracker tracker) {
        ScoringConfig score = config.balancing().score();
        if (score == null) {
            return null;
        }
        Tiers tiers;
        try {
            tiers = tiers(score);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("balancing.score.tiers: " + e.getMessage(), e);
        }
        Scorer scorer = scorer(score.scorer(), "balancing.score", channelClass);
        Scorer shadow = null;
        try {
            shadow = score.shadow() == null ? null : scorer(score.shadow(), "balancing.score.shadow", channelClass);
        } catch (RuntimeException e) {
            scorer.close();
            throw e;
        }
        ScoringConfig.ClientsConfig c = score.clients();
        if (tracker == null) {
            tracker = new ClientTracker(c.maxClients(), c.idle(), new UserAgents(), Ticker.systemTicker());
        }
        ClientKeys keys = new ClientKeys(TrustedProxies.parse(config.server().trustedProxies()), c.ipv4Prefix(),
                c.ipv6Prefix(), c.header() == ScoringConfig.ClientHeader.FORWARDED
                        ? ClientKeys.Header.FORWARDED
                        : ClientKeys.Header.X_FORWARDED_FOR);
        boolean remote = score.scorer().kind() == ScorerConfig.Kind.HTTP;
        Duration maxAge = remote ? score.scorer().http().cacheTtl() : FOREVER;
        Duration wait = remote ? score.scorer().http().timeout() : Duration.ZERO;
        ScoringService service = new ScoringService(tracker, scorer, shadow, tiers, tiers.byName(score.fallbackTier()),
                score.refreshInterval(), score.refreshRequests(), maxAge, wait);
        if (score.exportFeatures() != null) {
            service.exportTo(FeatureExport.toLogger()); // the application routes that logger to the file
        }
        return new Scoring(service, keys);
    }

    static Tiers tiers(ScoringConfig score) {
        List<Tier> tiers = new ArrayList<>(score.tiers().size());
        for (TierConfig t : score.tiers()) {
            TierAction action = switch (t.action()) {
                case ROUTE -> TierAction.ROUTE;
                case DENY -> TierAction.DENY;
                case CACHE_ONLY -> TierAction.CACHE_ONLY;
            };
            tiers.add(new Tier(tiers.size(), t.name(), t.from(), t.below(), action, t.pool(), t.spillTo(),
                    t.retryAfter()));
        }
        return new Tiers(tiers, score.hysteresis());
    }

    private static Scorer scorer(ScorerConfig config, String key, Class<? extends SocketChannel> channelClass) {
        if (config.kind() == ScorerConfig.Kind.BUILTIN) {
            try {
                return new BuiltinScorer(LogisticModel.load(config.model()));
            } catch (ModelException e) {
                throw new IllegalStateException(key + ".model: " + e.getMessage(), e);
            }
        }
        ScoringConfig.HttpScorerConfig h = config.http();
        HttpScorer.Settings settings = new HttpScorer.Settings(h.url(),
                h.post() ? HttpScorer.Method.POST : HttpScorer.Method.GET, h.queryParameter(), h.scoreField(),
                h.timeout(), h.maxConcurrent(), h.circuitFailures(), h.circuitOpenFor());
        try {
            return new HttpScorer(settings, channelClass, System::nanoTime);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + ".http.url: " + h.url() + " (" + e.getMessage() + ")", e);
        }
    }
}
