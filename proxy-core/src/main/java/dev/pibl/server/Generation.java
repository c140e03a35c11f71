package dev.pibl.server;

import dev.pibl.balance.Backend;
import dev.pibl.balance.HealthRegistry;
import dev.pibl.balance.LoadBalancer;
import dev.pibl.balance.RetryBudget;
import dev.pibl.balance.TierPools;
import dev.pibl.config.BackendConfig;
import dev.pibl.config.PiblConfig;
import dev.pibl.config.ScoringConfig;
import dev.pibl.config.TrustedProxies;
import dev.pibl.config.UpstreamConfig;
import dev.pibl.upstream.HealthChecker;
import dev.pibl.upstream.ProxySettings;
import dev.pibl.upstream.UpstreamPools;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One configuration in force and everything built from it that a reload replaces as a whole: the
 * backends, their health registry and pools, the balancers, score balancing, and the proxy
 * stage's settings. Handlers read the current generation once per exchange (request, connection),
 * so each exchange runs under one generation from start to end.
 *
 * <p>Built on the starting or reloading thread and published through a volatile reference;
 * immutable once published, except {@link #checker}, which only the reloading and stopping thread
 * touch, under the server's reload lock.
 */
final class Generation {

    final int number;
    final PiblConfig config;
    final List<Backend> backends;
    final HealthRegistry health;
    final UpstreamPools pools;
    /** Score balancing, or null unless the policy is score. */
    final ScoringSetup.Scoring scoring;
    final ProxySettings settings;
    /** Digest of the model files score balancing loaded, to tell a retrained model at the same path. */
    private final byte[] models;
    HealthChecker checker;

    private Generation(int number, PiblConfig config, List<Backend> backends, HealthRegistry health,
            UpstreamPools pools, ScoringSetup.Scoring scoring, ProxySettings settings, byte[] models) {
        this.number = number;
        this.config = config;
        this.backends = backends;
        this.health = health;
        this.pools = pools;
        this.scoring = scoring;
        this.settings = settings;
        this.models = models;
    }

    /**
     * The generation PIBL starts with.
     *
     * @throws IllegalStateException naming the key, when a backend host does not resolve or a model
     *                               does not load
     */
    static Generation first(PiblConfig config, int eventLoops, Class<? extends SocketChannel> channelClass) {
        List<Backend> backends = resolve(config.backends());
        HealthRegistry health = new HealthRegistry(backends, config.health(), System::nanoTime);
        UpstreamPools pools = new UpstreamPools(backends, config.upstream(), config.timeouts(), eventLoops, channelClass);
        ScoringSetup.Scoring scoring = ScoringSetup.create(config, channelClass);
        try {
            return assemble(1, config, backends, health, pools, scoring, retryBudget(config.upstream()),
                    models(config));
        } catch (RuntimeException e) {
            closeScoring(scoring);
            throw e;
        }
    }

    /**
     * The generation that replaces this one with {@code config}: backends that stay keep their
     * health and pooled connections; score balancing is kept as it is when neither its settings
     * nor its model files changed, and otherwise built anew, still tracking the same clients when
     * {@code balancing.score.clients} did not change. Nothing is published or closed here.
     *
     * @param changed told of changes no configuration key shows (a model file retrained in place)
     * @throws IllegalStateException or IllegalArgumentException naming the key, when the
     *                               configuration cannot be put to work (a host that does not
     *                               resolve, a model that does not load)
     */
    Generation next(PiblConfig config, int eventLoops, Class<? extends SocketChannel> channelClass,
            List<String> changed) {
        List<Backend> backends = resolve(config.backends());
        HealthRegistry nextHealth = HealthRegistry.carryingOver(health, backends, config.health(), System::nanoTime);
        byte[] nextModels = models(config);
        ScoringSetup.Scoring nextScoring = scoring;
        ScoringConfig before = this.config.balancing().score();
        ScoringConfig after = config.balancing().score();
        boolean sameTrust = this.config.server().trustedProxies().equals(config.server().trustedProxies());
        boolean modelsChanged = !Arrays.equals(models, nextModels);
        if (after == null) {
            nextScoring = null;
        } else if (scoring == null || !after.equals(before) || !sameTrust || modelsChanged) {
            if (modelsChanged && after.equals(before)) {
                changed.add("balancing.score.model: the model file changed");
            }
            boolean sameClients = scoring != null && after.clients().equals(before.clients());
            nextScoring = ScoringSetup.create(config, channelClass, sameClients ? scoring.service().clients() : null);
        }
        RetryBudget budget = config.upstream().retryBudgetPercent() == this.config.upstream().retryBudgetPercent()
                && config.upstream().minRetriesPerSecond() == this.config.upstream().minRetriesPerSecond()
                ? settings.retryBudget()
                : retryBudget(config.upstream());
        try {
            UpstreamPools nextPools = pools.next(backends, config.upstream(), config.timeouts(), eventLoops);
            return assemble(number + 1, config, backends, nextHealth, nextPools, nextScoring, budget, nextModels);
        } catch (RuntimeException e) {
            if (nextScoring != scoring) {
                closeScoring(nextScoring);
            }
            throw e;
        }
    }

    private static Generation assemble(int number, PiblConfig config, List<Backend> backends, HealthRegistry health,
            UpstreamPools pools, ScoringSetup.Scoring scoring, RetryBudget retryBudget, byte[] models) {
        TierPools tierPools = scoring == null ? null : new TierPools(scoring.service().tiers(), backends, health);
        ProxySettings settings = new ProxySettings(LoadBalancer.roundRobin(backends, health), pools,
                config.server().limits().maxBodySize(), config.timeouts().response().toNanos(),
                config.timeouts().clientBody().toNanos(), config.timeouts().request().toNanos(),
                config.upstream().maxTries(), config.upstream().preserveHost(), health, retryBudget,
                TrustedProxies.parse(config.server().trustedProxies()), tierPools);
        return new Generation(number, config, backends, health, pools, scoring, settings, models);
    }

    private static RetryBudget retryBudget(UpstreamConfig upstream) {
        return new RetryBudget(upstream.retryBudgetPercent(), upstream.minRetriesPerSecond(), System::nanoTime);
    }

    static void closeScoring(ScoringSetup.Scoring scoring) {
        if (scoring != null) {
            scoring.service().close();
        }
    }

    /** A digest of the builtin scorers' model files (empty without any), read on this thread. */
    private static byte[] models(PiblConfig config) {
        ScoringConfig score = config.balancing().score();
        if (score == null) {
            return new byte[0];
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (ScoringConfig.ScorerConfig s : Arrays.asList(score.scorer(), score.shadow())) {
                if (s != null && s.model() != null) {
                    digest.update(read(s.model()));
                }
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    private static byte[] read(Path model) {
        try {
            return Files.readAllBytes(model);
        } catch (IOException e) {
            return new byte[0]; // loading the model reports the problem, naming the key
        }
    }

    private static List<Backend> resolve(List<BackendConfig> configured) {
        List<Backend> backends = new ArrayList<>(configured.size());
        for (int i = 0; i < configured.size(); i++) {
            BackendConfig b = configured.get(i);
            // Resolved here, on the starting or reloading thread, so no DNS lookup runs on an event loop.
            InetSocketAddress address = new InetSocketAddress(b.host(), b.port());
            if (address.isUnresolved()) {
                throw new IllegalStateException("backends[" + i + "].url: " + b.url()
                        + " (expected: a host that resolves; " + b.host() + " does not)");
            }
            String hostHeader = (b.host().indexOf(':') >= 0 ? "[" + b.host() + "]" : b.host())
                    + (b.port() == 80 ? "" : ":" + b.port());
            backends.add(new Backend(i, b.name(), address, hostHeader, b.weight()));
        }
        return backends;
    }

    @Override
    public String toString() {
        return "generation " + number + " " + Objects.toString(backends);
    }
}
