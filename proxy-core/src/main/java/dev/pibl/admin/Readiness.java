package dev.pibl.admin;

import dev.pibl.balance.Backend;
import dev.pibl.balance.BackendHealth;
import dev.pibl.balance.HealthRegistry;
import dev.pibl.balance.LoadBalancer;
import dev.pibl.balance.TierPools;
import dev.pibl.scoring.Tier;
import dev.pibl.server.ProxyServer;
import dev.pibl.upstream.ProxySettings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether PIBL should get traffic now ({@code GET /admin/ready}): its client listener is bound,
 * it is not draining for shutdown, and at least one backend that could get a request is
 * available (its active checks pass and it is not ejected). With score balancing, the backends
 * of any routing tier's pool count. Read through the settings in force, so a reload is seen at
 * once. Stateless; any thread.
 *
 * @param ready  whether to send traffic
 * @param reason why not, for the 503 body; {@code "ready"} when ready
 */
record Readiness(boolean ready, String reason) {

    static Readiness of(ProxyServer server) {
        if (server == null) {
            return new Readiness(false, "not listening yet: PIBL is starting");
        }
        if (server.draining()) {
            return new Readiness(false, "draining: PIBL is shutting down");
        }
        if (!server.listening()) {
            return new Readiness(false, "not listening: the client listener is closed");
        }
        ProxySettings settings = server.settings();
        HealthRegistry health = settings.health();
        List<String> states = new ArrayList<>();
        for (Backend b : candidates(settings)) {
            BackendHealth h = health.of(b);
            if (h.activeHealthy() && !h.ejected()) {
                return new Readiness(true, "ready");
            }
            states.add(b.name() + " " + (h.activeHealthy() ? "ejected" : "down"));
        }
        return new Readiness(false, states.isEmpty() ? "no backend available: none configured"
                : "no backend available: " + String.join(", ", states));
    }

    /** The backends a request could be sent to: every one, or with score balancing the tiers' pools'. */
    private static Set<Backend> candidates(ProxySettings settings) {
        TierPools tiers = settings.tierPools();
        if (tiers == null) {
            return new LinkedHashSet<>(settings.balancer().backends());
        }
        Set<Backend> pooled = new LinkedHashSet<>();
        for (Tier t : tiers.tiers().all()) {
            LoadBalancer pool = tiers.balancer(t);
            if (pool != null) {
                pooled.addAll(pool.backends());
            }
        }
        return pooled;
    }
}
