package dev.pibl.admin;

import static java.util.Objects.requireNonNull;

import dev.pibl.balance.Backend;
import dev.pibl.balance.BackendHealth;
import dev.pibl.cache.CacheStats;
import dev.pibl.cache.ResponseCache;
import dev.pibl.scoring.ScoringService;
import dev.pibl.scoring.ScoringStats;
import dev.pibl.scoring.Tier;
import dev.pibl.server.ProxyServer;
import dev.pibl.upstream.UpstreamPools;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Meters read from PIBL's own state when Prometheus scrapes, never counted on the request path:
 * client connections, backend health and pools, retries, the cache's and score balancing's
 * counters. Everything is read through {@link ProxyServer#settings()} and the server's accessors
 * at scrape time, so a reload is followed: {@link #sync} (before each scrape) registers the
 * meters of backends and tiers that appeared and removes those of the ones that went.
 *
 * <p>Called on the admin executor (scrapes) and by Micrometer on the scraping thread.
 */
final class ServerMeters {

    private final MeterRegistry registry;
    private final ProxyServer server;
    private final Map<String, List<Meter>> backendMeters = new HashMap<>();
    private final Map<String, List<Meter>> tierMeters = new HashMap<>();
    private boolean scoringRegistered;

    ServerMeters(MeterRegistry registry, ProxyServer server, Monitoring monitoring) {
        this.registry = requireNonNull(registry, "registry");
        this.server = requireNonNull(server, "server");
        Gauge.builder("pibl.client.connections", server::clientConnections)
                .description("Client connections open").register(registry);
        Gauge.builder("pibl.ready", () -> monitoring.readiness().ready() ? 1 : 0)
                .description("1 when /admin/ready answers 200").register(registry);
        Gauge.builder("pibl.config.generation", monitoring::generation)
                .description("The configuration generation in force: 1 at start, one more per applied reload")
                .register(registry);
        counter("pibl.retries", "Requests retried on another backend, as the retry budget allowed",
                s -> s.settings().retryBudget().retries());
        counter("pibl.retry.budget.refusals", "Retries the retry budget refused (the client got the error)",
                s -> s.settings().retryBudget().refusals());
        ResponseCache cache = server.cache();
        if (cache != null) {
            registerCache(cache);
        }
        sync();
    }

    /** Follows a reload: meters for backends and tiers that appeared, none for those that went. */
    synchronized void sync() {
        Set<String> names = new LinkedHashSet<>();
        for (Backend b : server.settings().balancer().backends()) {
            names.add(b.name());
        }
        reconcile(backendMeters, names, this::registerBackend);
        ScoringService scoring = server.scoring();
        Set<String> tiers = new LinkedHashSet<>();
        if (scoring != null) {
            if (!scoringRegistered) {
                scoringRegistered = true;
                registerScoring();
            }
            for (Tier t : scoring.tiers().all()) {
                tiers.add(t.name());
            }
        }
        reconcile(tierMeters, tiers, this::registerTier);
    }

    private void reconcile(Map<String, List<Meter>> registered, Set<String> wanted,
            java.util.function.Function<String, List<Meter>> register) {
        registered.entrySet().removeIf(e -> {
            if (wanted.contains(e.getKey())) {
                return false;
            }
            e.getValue().forEach(registry::remove);
            return true;
        });
        for (String name : wanted) {
            registered.computeIfAbsent(name, register);
        }
    }

    /** The backend named {@code name} in the settings in force, or null once a reload removed it. */
    private Backend find(String name) {
        for (Backend b : server.settings().balancer().backends()) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }

    private List<Meter> registerBackend(String name) {
        List<Meter> m = new ArrayList<>();
        m.add(backendGauge(name, "pibl.backend.available",
                "1 when the backend may take traffic: active checks pass and it is not ejected",
                (b, h) -> h.activeHealthy() && !h.ejected() ? 1 : 0));
        m.add(backendGauge(name, "pibl.backend.ejected", "1 while passive health checks keep the backend ejected",
                (b, h) -> h.ejected() ? 1 : 0));
        m.add(backendGauge(name, "pibl.backend.down", "1 while the backend fails its active health checks",
                (b, h) -> h.activeHealthy() ? 0 : 1));
        m.add(backendGauge(name, "pibl.backend.slow.start", "1 while a backend that came back takes part of its share",
                (b, h) -> server.settings().health().inSlowStart(b) ? 1 : 0));
        m.add(backendGauge(name, "pibl.backend.weight", "The backend's round-robin weight", (b, h) -> b.weight()));
        for (String state : List.of("in-use", "idle", "connecting")) {
            m.add(Gauge.builder("pibl.upstream.connections", () -> usage(name, u -> switch (state) {
                case "in-use" -> u.inUse();
                case "idle" -> u.idle();
                default -> u.connecting();
            })).description("Connections to the backend: lent to an exchange, idle in the pool, or being opened")
                    .tag("backend", name).tag("state", state).register(registry));
        }
        m.add(Gauge.builder("pibl.upstream.pending", () -> usage(name, UpstreamPools.Usage::pending))
                .description("Requests waiting for a connection to the backend (pool full)")
                .tag("backend", name).register(registry));
        m.add(FunctionCounter.builder("pibl.upstream.connect.errors", this,
                        self -> self.usage(name, UpstreamPools.Usage::connectErrors))
                .description("Connection attempts to the backend that failed or timed out")
                .tag("backend", name).register(registry));
        return m;
    }

    private interface HealthRead {
        double read(Backend backend, BackendHealth health);
    }

    private Meter backendGauge(String name, String meter, String description, HealthRead read) {
        return Gauge.builder(meter, () -> {
            Backend b = find(name);
            return b == null ? Double.NaN : read.read(b, server.settings().health().of(b));
        }).description(description).tag("backend", name).register(registry);
    }

    private double usage(String name, ToDoubleFunction<UpstreamPools.Usage> part) {
        Backend b = find(name);
        return b == null ? Double.NaN : part.applyAsDouble(server.settings().pools().usage(b));
    }

    private void counter(String name, String description, ToLongFunction<ProxyServer> read) {
        FunctionCounter.builder(name, server, s -> read.applyAsLong(s)).description(description).register(registry);
    }

    private void registerCache(ResponseCache cache) {
        CacheStats s = cache.stats();
        cacheLookups(s, "hit", CacheStats::hits);
        cacheLookups(s, "miss", CacheStats::misses);
        cacheLookups(s, "stale", CacheStats::stale);
        cacheLookups(s, "revalidated", CacheStats::revalidated);
        cacheLookups(s, "bypass", CacheStats::bypasses);
        FunctionCounter.builder("pibl.cache.served", s, CacheStats::bytesServed).baseUnit("bytes")
                .description("Body bytes answered from the cache").register(registry);
        FunctionCounter.builder("pibl.cache.stores", s, CacheStats::stores)
                .description("Responses stored in the cache").register(registry);
        FunctionCounter.builder("pibl.cache.evictions", s, CacheStats::memoryEvictions)
                .description("Entries evicted from the memory tier to stay within cache.memory-size")
                .tag("tier", "memory").register(registry);
        FunctionCounter.builder("pibl.cache.coalesced", s, CacheStats::coalescedCount)
                .description("Misses that waited for another client's fetch of the same URL").register(registry);
        Gauge.builder("pibl.cache.entries", cache, ResponseCache::memoryEntries).tag("tier", "memory")
                .description("Entries stored, by tier").register(registry);
        Gauge.builder("pibl.cache.entries", cache, ResponseCache::diskEntries).tag("tier", "disk")
                .description("Entries stored, by tier").register(registry);
        Gauge.builder("pibl.cache.size", cache, ResponseCache::memoryBytes).tag("tier", "memory").baseUnit("bytes")
                .description("Bytes stored, by tier").register(registry);
        Gauge.builder("pibl.cache.size", cache, ResponseCache::diskBytes).tag("tier", "disk").baseUnit("bytes")
                .description("Bytes stored, by tier").register(registry);
    }

    private void cacheLookups(CacheStats s, String result, ToDoubleFunction<CacheStats> read) {
        FunctionCounter.builder("pibl.cache.lookups", s, read)
                .description("Cacheable requests by what the cache answered (X-Cache)")
                .tag("result", result).register(registry);
    }

    private void registerScoring() {
        scoringCounter("pibl.score.fallbacks", "Requests routed by the fallback tier: their client had no usable score",
                ScoringStats::fallbacks, null);
        scoringCounter("pibl.score.tier.changes", "Clients that moved from one tier to another",
                ScoringStats::tierChanges, null);
        scoringCounter("pibl.score.waits", "Requests that waited for their client's score", ScoringStats::waits, null);
        scoringCounter("pibl.scorer.calls", "Calls made to the routing scorer", ScoringStats::calls, null);
        String failures = "Scorer calls that gave no score, by reason";
        scoringCounter("pibl.scorer.failures", failures, ScoringStats::timeouts, "timeout");
        scoringCounter("pibl.scorer.failures", failures, ScoringStats::errors, "error");
        scoringCounter("pibl.scorer.failures", failures, ScoringStats::circuitOpen, "circuit-open");
        scoringCounter("pibl.scorer.failures", failures, ScoringStats::overloaded, "overloaded");
        Gauge.builder("pibl.score.clients", () -> {
            ScoringService s = server.scoring();
            return s == null ? 0 : s.clients().size();
        }).description("Clients whose behaviour is tracked").register(registry);
    }

    private void scoringCounter(String name, String description, ToLongFunction<ScoringStats> read, String reason) {
        FunctionCounter.Builder<ProxyServer> b = FunctionCounter.builder(name, server, s -> {
            ScoringService scoring = s.scoring();
            return scoring == null ? 0 : read.applyAsLong(scoring.stats());
        }).description(description);
        if (reason != null) {
            b.tag("reason", reason);
        }
        b.register(registry);
    }

    private List<Meter> registerTier(String tier) {
        return List.of(FunctionCounter.builder("pibl.score.requests", server, s -> {
            ScoringService scoring = s.scoring();
            Tier t = scoring == null ? null : scoring.tiers().byName(tier);
            return t == null ? 0 : scoring.stats().routed(t.index());
        }).description("Requests routed, by the client's tier").tag("tier", tier).register(registry));
    }
}
