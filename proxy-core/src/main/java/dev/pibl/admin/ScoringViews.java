package dev.pibl.admin;

import dev.pibl.config.TrustedProxies;
import dev.pibl.scoring.ClientKeys;
import dev.pibl.scoring.ClientScore;
import dev.pibl.scoring.LogisticModel;
import dev.pibl.scoring.ScoringService;
import dev.pibl.scoring.ScoringStats;
import dev.pibl.scoring.Tier;
import dev.pibl.server.ScoringSetup;
import dev.pibl.upstream.HttpScorer;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API's JSON views of score-based balancing: counters, one client, the top clients.
 * Scores and times that do not exist yet are {@code null}, never NaN. Any thread.
 */
final class ScoringViews {

    private ScoringViews() {
    }

    /**
     * The client key the admin path names: an IP address (grouped as PIBL groups clients, so any
     * address of an IPv6 /64 finds its client), or a key as PIBL shows it ({@code 2001:db8::/64}).
     * Null when it is neither.
     */
    static String keyOf(String text, ClientKeys keys) {
        int slash = text.indexOf('/');
        InetAddress address = TrustedProxies.literal(slash < 0 ? text : text.substring(0, slash));
        // A key's prefix is the configured one whatever was written after the slash, and its
        // network in PIBL's canonical text, so 2001:DB8:1:2:0::/64 finds 2001:db8:1:2::/64.
        return address == null ? null : keys.key(address);
    }

    static Map<String, Object> stats(ScoringSetup.Scoring scoring) {
        ScoringService service = scoring.service();
        ScoringStats s = service.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scorer", scorer(service.scorer()));
        m.put("shadow", service.shadow() == null ? null : scorer(service.shadow()));
        m.put("clients", service.clients().size());
        Map<String, Object> routed = new LinkedHashMap<>();
        for (Tier t : service.tiers().all()) {
            routed.put(t.name(), s.routed(t.index()));
        }
        m.put("routed", routed);
        m.put("fallbacks", s.fallbacks());
        m.put("tierChanges", s.tierChanges());
        m.put("waits", s.waits());
        m.put("calls", s.calls());
        m.put("timeouts", s.timeouts());
        m.put("errors", s.errors());
        m.put("circuitOpen", s.circuitOpen());
        m.put("overloaded", s.overloaded());
        m.put("shadowCalls", s.shadowCalls());
        m.put("shadowFailures", s.shadowFailures());
        return m;
    }

    private static Map<String, Object> scorer(dev.pibl.scoring.Scorer scorer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", scorer.kind());
        m.put("version", scorer.version());
        if (scorer instanceof HttpScorer http) {
            m.put("circuit", http.stats().circuitState().toString().toLowerCase(java.util.Locale.ROOT));
        }
        return m;
    }

    static Map<String, Object> client(ScoringService.ClientReport r) {
        ClientScore.Snapshot s = r.score();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", r.key());
        m.put("lastIp", r.lastIp());
        m.put("requests", r.requests());
        m.put("lastSeenSecondsAgo", round(r.lastSeenSecondsAgo()));
        m.put("score", number(s.score()));
        m.put("tier", s.tier());
        m.put("model", s.model());
        m.put("tierChanges", s.tierChanges());
        m.put("shadowScore", number(s.shadowScore()));
        m.put("shadowModel", s.shadowModel());
        Map<String, Object> features = new LinkedHashMap<>();
        r.features().forEach((name, value) -> features.put(name, round(value)));
        m.put("features", features);
        List<Map<String, Object>> top = new ArrayList<>();
        for (LogisticModel.Contribution c : r.topFeatures()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("feature", c.feature());
            one.put("value", round(c.value()));
            one.put("contribution", round(c.contribution()));
            top.add(one);
        }
        m.put("topFeatures", top);
        Map<String, Object> error = null;
        if (s.lastError() != null) {
            error = new LinkedHashMap<>();
            error.put("message", s.lastError());
            error.put("secondsAgo", number(round(r.lastErrorSecondsAgo())));
        }
        m.put("lastScorerError", error);
        return m;
    }

    static List<Map<String, Object>> top(List<ScoringService.TopClient> clients) {
        List<Map<String, Object>> list = new ArrayList<>(clients.size());
        for (ScoringService.TopClient c : clients) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", c.key());
            m.put("lastIp", c.lastIp());
            m.put("score", round(c.score()));
            m.put("tier", c.tier());
            m.put("requests", c.requests());
            list.add(m);
        }
        return list;
    }

    private static Double number(double value) {
        return Double.isNaN(value) ? null : value;
    }

    private static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 1e6) / 1e6 : value;
    }
}
