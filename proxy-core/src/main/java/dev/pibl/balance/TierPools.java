package dev.pibl.balance;

import static java.util.Objects.requireNonNull;

import dev.pibl.scoring.Tier;
import dev.pibl.scoring.TierAction;
import dev.pibl.scoring.Tiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One weighted round-robin balancer per routing tier, over the backends its pool names, sharing
 * the health registry with every other balancer (a backend down is down for every tier). Built
 * once at start; immutable and thread-safe.
 */
public final class TierPools {

    private final Tiers tiers;
    /** Indexed by {@link Tier#index()}; null for tiers that route nowhere (deny, cache-only). */
    private final LoadBalancer[] balancers;

    public TierPools(Tiers tiers, List<Backend> backends, HealthRegistry health) {
        this.tiers = requireNonNull(tiers, "tiers");
        requireNonNull(health, "health");
        Map<String, Backend> byName = backends.stream().collect(Collectors.toMap(Backend::name, Function.identity()));
        balancers = new LoadBalancer[tiers.all().size()];
        for (Tier t : tiers.all()) {
            if (t.action() != TierAction.ROUTE) {
                continue;
            }
            List<Backend> pool = new ArrayList<>(t.pool().size());
            for (String name : t.pool()) {
                Backend b = byName.get(name);
                if (b == null) {
                    throw new IllegalArgumentException("tier " + t.name() + ": pool names " + name
                            + " (expected: one of the backends " + byName.keySet() + ")");
                }
                pool.add(b);
            }
            balancers[t.index()] = LoadBalancer.roundRobin(pool, health);
        }
    }

    public Tiers tiers() {
        return tiers;
    }

    /**
     * {@code tier} as these pools know it: itself, or, for a tier decided under the configuration
     * a reload just replaced, the tier of the same name now; null when no tier has that name (the
     * request then goes to the default balancer).
     */
    public Tier current(Tier tier) {
        int i = tier.index();
        if (i < tiers.all().size() && tiers.all().get(i) == tier) {
            return tier;
        }
        return tiers.byName(tier.name());
    }

    /** The balancer of a routing tier's pool; null for a tier that routes nowhere. */
    public LoadBalancer balancer(Tier tier) {
        return balancers[tier.index()];
    }
}
