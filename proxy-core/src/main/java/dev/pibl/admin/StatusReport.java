package dev.pibl.admin;

import static java.util.Objects.requireNonNull;

import dev.pibl.balance.Backend;
import dev.pibl.balance.BackendHealth;
import dev.pibl.balance.HealthRegistry;
import dev.pibl.cache.CacheStats;
import dev.pibl.cache.ResponseCache;
import dev.pibl.metrics.RecentErrors;
import dev.pibl.metrics.SlidingWindow;
import dev.pibl.metrics.TrafficMeters;
import dev.pibl.scoring.ScoringService;
import dev.pibl.scoring.Tier;
import dev.pibl.server.ProxyServer;
import dev.pibl.upstream.ProxySettings;
import dev.pibl.upstream.UpstreamPools;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The {@code GET /admin/status} document the admin dashboard polls: totals, each backend, the
 * cache, score balancing and the last errors (the shape is documented in docs/operations.md).
 * Rates and percentiles cover the last {@value #WINDOW_SECONDS} s, from {@link SlidingWindow}s
 * sampled every second; counts are since start. Everything is read through the settings in force,
 * so backends added or removed by a reload show at the next poll.
 *
 * <p>Confined to the admin executor (the windows are not thread-safe); building it walks the
 * tracked clients for the top scores, which is why it never runs on an event loop.
 */
final class StatusReport {

    static final int WINDOW_SECONDS = 10;
    private static final int TOP_CLIENTS = 10;
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String VERSION = version();

    private final ProxyServer server;
    private final TrafficMeters traffic;
    private final Monitoring monitoring;
    private final LongSupplier nanoTime;
    private final SlidingWindow total;
    private final Map<String, SlidingWindow> byBackend = new HashMap<>();
    private final String listening;

    StatusReport(ProxyServer server, TrafficMeters traffic, Monitoring monitoring, LongSupplier nanoTime) {
        this.server = requireNonNull(server, "server");
        this.traffic = requireNonNull(traffic, "traffic");
        this.monitoring = requireNonNull(monitoring, "monitoring");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        this.total = window();
        InetSocketAddress a = server.address(); // read now: a closed listener may not know it any more
        String host = a.getHostString();
        this.listening = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
        sample();
    }

    private SlidingWindow window() {
        return new SlidingWindow(Duration.ofSeconds(WINDOW_SECONDS), Duration.ofSeconds(1), nanoTime);
    }

    /**
     * Samples every backend's cumulative counts, and their sum. Backends in the settings are
     * sampled before their first exchange, so that one counts in their window.
     */
    void sample() {
        long requests = 0;
        long errors = 0;
        long[] buckets = null;
        Set<String> names = new LinkedHashSet<>(traffic.names());
        for (Backend b : server.settings().balancer().backends()) {
            names.add(b.name());
        }
        for (String name : names) {
            SlidingWindow.Counts c = traffic.counts(name);
            byBackend.computeIfAbsent(name, n -> window()).record(c);
            requests += c.requests();
            errors += c.errors();
            if (buckets == null) {
                buckets = c.buckets().clone();
            } else {
                for (int i = 0; i < buckets.length; i++) {
                    buckets[i] += c.buckets()[i];
                }
            }
        }
        total.record(new SlidingWindow.Counts(requests, errors, buckets));
    }

    Map<String, Object> build() {
        sample();
        ProxySettings settings = server.settings();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", VERSION);
        m.put("uptimeSeconds", round(monitoring.uptimeSeconds(), 1));
        m.put("generation", monitoring.generation());
        m.put("listening", listening);
        Readiness ready = monitoring.readiness();
        m.put("ready", ready.ready());
        if (!ready.ready()) {
            m.put("notReadyReason", ready.reason());
        }
        m.put("policy", server.config().balancing().policy().yamlName());
        List<Map<String, Object>> backends = new ArrayList<>();
        long upstreamConnections = 0;
        for (Backend b : settings.balancer().backends()) {
            UpstreamPools.Usage usage = settings.pools().usage(b);
            upstreamConnections += usage.inUse() + usage.idle() + usage.connecting();
            backends.add(backend(b, settings.health(), usage));
        }
        m.put("totals", totals(upstreamConnections));
        m.put("backends", backends);
        m.put("cache", cache(server.cache()));
        m.put("scoring", scoring(server.scoring()));
        List<Map<String, Object>> errors = new ArrayList<>();
        for (RecentErrors.Entry e : traffic.recentErrors()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("time", MILLIS.format(e.time()));
            one.put("requestId", e.requestId());
            one.put("status", e.status());
            one.put("method", e.method());
            one.put("uri", e.uri());
            one.put("backend", e.backend());
            one.put("reason", e.reason());
            errors.add(one);
        }
        m.put("recentErrors", errors);
        return m;
    }

    private Map<String, Object> totals(long upstreamConnections) {
        SlidingWindow.View w = total.view();
        long requests = 0;
        for (String name : traffic.names()) {
            requests += traffic.requests(name);
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("requests", requests);
        t.put("requestsPerSecond", round(w.requestsPerSecond(), 1));
        t.put("errorsPerSecond", round(w.errorsPerSecond(), 1));
        t.put("clientConnections", server.clientConnections());
        t.put("upstreamConnections", upstreamConnections);
        t.put("bytesIn", traffic.bytesIn());
        t.put("bytesOut", traffic.bytesOut());
        t.put("p50Millis", round(w.quantileMillis(0.5), 3));
        t.put("p99Millis", round(w.quantileMillis(0.99), 3));
        t.put("windowSeconds", round(w.seconds(), 1));
        return t;
    }

    private Map<String, Object> backend(Backend b, HealthRegistry health, UpstreamPools.Usage usage) {
        SlidingWindow window = byBackend.get(b.name());
        SlidingWindow.View w = window == null ? null : window.view();
        BackendHealth h = health.of(b);
        String host = b.address().getHostString();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", b.name());
        m.put("url", "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + b.address().getPort());
        m.put("weight", b.weight());
        m.put("health", !h.activeHealthy() ? "down" : h.ejected() ? "ejected"
                : health.inSlowStart(b) ? "slow-start" : "up");
        m.put("inFlight", usage.inUse());
        m.put("requests", traffic.requests(b.name()));
        m.put("requestsPerSecond", w == null ? 0.0 : round(w.requestsPerSecond(), 1));
        m.put("p99Millis", w == null ? 0.0 : round(w.quantileMillis(0.99), 3));
        m.put("errors", traffic.errors(b.name()));
        m.put("connectErrors", usage.connectErrors());
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("active", usage.inUse());
        pool.put("idle", usage.idle());
        pool.put("connecting", usage.connecting());
        pool.put("pending", usage.pending());
        m.put("pool", pool);
        return m;
    }

    private static Map<String, Object> cache(ResponseCache cache) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", cache != null);
        CacheStats s = cache == null ? null : cache.stats();
        long hits = s == null ? 0 : s.hits();
        long stale = s == null ? 0 : s.stale();
        long revalidated = s == null ? 0 : s.revalidated();
        long misses = s == null ? 0 : s.misses();
        long answered = hits + stale + revalidated;
        m.put("hits", hits);
        m.put("misses", misses);
        m.put("stale", stale);
        m.put("revalidated", revalidated);
        m.put("hitRatio", answered + misses == 0 ? 0.0 : round(answered / (double) (answered + misses), 3));
        m.put("bytesServed", s == null ? 0 : s.bytesServed());
        m.put("memoryEntries", cache == null ? 0 : cache.memoryEntries());
        m.put("memoryBytes", cache == null ? 0 : cache.memoryBytes());
        m.put("diskEntries", cache == null ? 0 : cache.diskEntries());
        m.put("diskBytes", cache == null ? 0 : cache.diskBytes());
        return m;
    }

    private static Map<String, Object> scoring(ScoringService scoring) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", scoring != null);
        List<Map<String, Object>> tiers = new ArrayList<>();
        List<Map<String, Object>> top = new ArrayList<>();
        if (scoring != null) {
            for (Tier t : scoring.tiers().all()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("name", t.name());
                one.put("requests", scoring.stats().routed(t.index()));
                one.put("action", t.action().yamlName());
                tiers.add(one);
            }
            for (ScoringService.TopClient c : scoring.top(TOP_CLIENTS)) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("key", c.key());
                one.put("score", round(c.score(), 3));
                one.put("tier", c.tier());
                one.put("requests", c.requests());
                top.add(one);
            }
        }
        m.put("tiers", tiers);
        m.put("topClients", top);
        return m;
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Double.isFinite(value) ? Math.round(value * scale) / scale : 0.0;
    }

    private static String version() {
        try (InputStream in = StatusReport.class.getResourceAsStream("/dev/pibl/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
