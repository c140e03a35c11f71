package dev.pibl.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pibl.config.ScoringConfig.Action;
import dev.pibl.config.ScoringConfig.ClientHeader;
import dev.pibl.config.ScoringConfig.ClientsConfig;
import dev.pibl.config.ScoringConfig.HttpScorerConfig;
import dev.pibl.config.ScoringConfig.ScorerConfig;
import dev.pibl.config.ScoringConfig.TierConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Binds {@code balancing.score:}: the scorer, the shadow scorer, the refresh cadence, how clients
 * are told apart, and the tiers. Tiers are checked as a whole (contiguous ranges from 0 to 1,
 * known backends, spill-over without cycles) so a mistake is reported on the key that makes it.
 * Used on the loading thread only.
 */
final class ScoringBinder {

    static final List<String> SCORE_KEYS = List.of("scorer", "model", "http", "shadow", "refresh-interval",
            "refresh-requests", "fallback-tier", "hysteresis", "clients", "tiers", "export-features");
    private static final List<String> SHADOW_KEYS = List.of("scorer", "model", "http");
    private static final List<String> HTTP_KEYS = List.of("url", "method", "query-parameter", "score-field", "timeout",
            "cache-ttl", "max-concurrent", "circuit-failures", "circuit-open-for");
    private static final List<String> CLIENTS_KEYS = List.of("max", "idle", "ipv4-prefix", "ipv6-prefix", "header");
    private static final List<String> TIER_KEYS =
            List.of("name", "from", "below", "action", "pool", "spill-to", "retry-after");

    static final Path DEFAULT_MODEL = Path.of("config/models/behaviour.json");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_.~-]{1,64}");
    private static final String HTTP_URL_EXPECTED = "an http URL such as http://127.0.0.1:5000/score_ip";
    private static final String BELOW_EXPECTED = "a number greater than %s and at most 1";
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

    private final YamlTree tree;
    private final Problems problems;

    ScoringBinder(YamlTree tree, Problems problems) {
        this.tree = tree;
        this.problems = problems;
    }

    /**
     * The score policy's settings, or {@code null} when the section is absent and not required.
     *
     * @param required     whether the policy is {@code score}, which cannot run without tiers
     * @param backends     the configured backends, which tier pools name
     * @param cacheEnabled whether a cache-only tier has a cache to answer from
     */
    ScoringConfig bind(Section balancing, boolean required, List<BackendConfig> backends, boolean cacheEnabled) {
        JsonNode node = balancing.get("score");
        if (node == null || node.isNull()) {
            if (required) {
                balancing.fail("score", "missing", "the score policy's settings, with tiers at least");
            }
            return null;
        }
        Section s = balancing.section("score", SCORE_KEYS);
        ScorerConfig scorer = scorer(s, true);
        ScorerConfig shadow = null;
        if (s.get("shadow") != null) {
            shadow = scorer(s.section("shadow", SHADOW_KEYS), false);
        }
        Duration refreshInterval = s.duration("refresh-interval", Duration.ofSeconds(1), Duration.ofMillis(1),
                Duration.ofHours(1), "a duration from 1ms to 1h");
        int refreshRequests = s.integer("refresh-requests", 10, 1, 1_000_000);
        double hysteresis = s.number("hysteresis", 0.05, 0, 0.49, "a number from 0 to 0.49");
        ClientsConfig clients = clients(s.section("clients", CLIENTS_KEYS));
        List<TierConfig> tiers = tiers(s, backends, cacheEnabled);
        String fallback = s.text("fallback-tier", null, n -> ConfigBinder.NAME.matcher(n).matches(),
                "the name of a tier");
        if (fallback == null || tiers.isEmpty()) {
            fallback = tiers.isEmpty() ? "" : tiers.get(0).name(); // the most trusted: a scorer outage denies nobody
        } else if (index(tiers, fallback) < 0) {
            s.fail("fallback-tier", "the name of a tier: " + String.join(", ", names(tiers)));
        }
        String export = s.text("export-features", null, ConfigBinder::isPath,
                "a file path such as logs/features.jsonl");
        if (scorer == null) {
            scorer = new ScorerConfig(ScorerConfig.Kind.BUILTIN, DEFAULT_MODEL, null);
        }
        return new ScoringConfig(scorer, shadow, refreshInterval, refreshRequests, fallback, hysteresis, clients,
                tiers, export == null ? null : Path.of(export));
    }

    /** A scorer section (the score section itself, or its shadow); null when it is unusable. */
    private ScorerConfig scorer(Section s, boolean primary) {
        Map<String, ScorerConfig.Kind> kinds = new LinkedHashMap<>();
        kinds.put("builtin", ScorerConfig.Kind.BUILTIN);
        kinds.put("http", ScorerConfig.Kind.HTTP);
        ScorerConfig.Kind kind = s.choice("scorer", ScorerConfig.Kind.BUILTIN, kinds, "builtin or http");
        if (!primary && s.get("scorer") == null) {
            s.fail("scorer", "missing", "builtin or http: which scorer to run in the shadow");
            return null;
        }
        Path model = null;
        if (kind == ScorerConfig.Kind.BUILTIN) {
            String text = s.text("model", primary ? DEFAULT_MODEL.toString() : null, ConfigBinder::isPath,
                    "the path of a model file such as config/models/behaviour.json");
            if (text == null) {
                if (!s.failed("model")) {
                    s.fail("model", "missing", "the path of the model file the builtin scorer loads");
                }
                return null;
            }
            model = Path.of(text);
            if (s.get("http") != null) {
                s.fail("http", "no http section: the builtin scorer does not call a service (scorer: http does)");
            }
            return new ScorerConfig(kind, model, null);
        }
        if (s.get("model") != null) {
            s.fail("model", "no model: the http scorer asks a service (scorer: builtin loads a model)");
        }
        if (s.get("http") == null) {
            s.fail("http", "missing", "the service to ask, at least http.url");
            return null;
        }
        HttpScorerConfig http = http(s.section("http", HTTP_KEYS));
        return http == null ? null : new ScorerConfig(kind, null, http);
    }

    private static HttpScorerConfig http(Section s) {
        String url = s.text("url", null, u -> httpUrl(u) != null, HTTP_URL_EXPECTED);
        if (url == null && !s.failed("url")) {
            s.fail("url", "missing", HTTP_URL_EXPECTED);
        }
        Map<String, Boolean> methods = new LinkedHashMap<>();
        methods.put("get", false);
        methods.put("post", true);
        boolean post = s.choice("method", false, methods, "get (ip in the query) or post (features as JSON)");
        String parameter = s.text("query-parameter", "ip", p -> FIELD.matcher(p).matches(),
                "1 to 64 letters, digits, '_', '.', '~' or '-'");
        String field = s.text("score-field", "score", p -> FIELD.matcher(p).matches(),
                "1 to 64 letters, digits, '_', '.', '~' or '-'");
        Duration timeout = s.duration("timeout", Duration.ofMillis(50), Duration.ofMillis(1), Duration.ofSeconds(10),
                "a duration from 1ms to 10s: requests wait this long for a score");
        Duration cacheTtl = s.duration("cache-ttl", Duration.ofSeconds(30), Duration.ofMillis(1), Duration.ofDays(1),
                "a duration from 1ms to 1d");
        int maxConcurrent = s.integer("max-concurrent", 256, 1, 100_000);
        int circuitFailures = s.integer("circuit-failures", 5, 1, 10_000);
        Duration openFor = s.duration("circuit-open-for", Duration.ofSeconds(10), Duration.ofMillis(1),
                Duration.ofHours(1), "a duration from 1ms to 1h");
        if (url == null) {
            return null;
        }
        return new HttpScorerConfig(httpUrl(url), post, parameter, field, timeout, cacheTtl, maxConcurrent,
                circuitFailures, openFor);
    }

    private static ClientsConfig clients(Section s) {
        ClientsConfig d = ClientsConfig.defaults();
        Map<String, ClientHeader> headers = new LinkedHashMap<>();
        for (ClientHeader h : ClientHeader.values()) {
            headers.put(h.yamlName(), h);
        }
        return new ClientsConfig(
                s.integer("max", d.maxClients(), 1, 10_000_000),
                s.duration("idle", d.idle(), Duration.ofSeconds(1), Duration.ofDays(1), "a duration from 1s to 1d"),
                s.integer("ipv4-prefix", d.ipv4Prefix(), 8, 32),
                s.integer("ipv6-prefix", d.ipv6Prefix(), 16, 128),
                s.choice("header", d.header(), headers, "x-forwarded-for or forwarded"));
    }

    private List<TierConfig> tiers(Section score, List<BackendConfig> backends, boolean cacheEnabled) {
        JsonNode list = score.nonEmptyList("tiers", "a list of tiers, lowest scores first");
        if (list == null) {
            return List.of();
        }
        Set<String> backendNames = new HashSet<>();
        for (BackendConfig b : backends) {
            backendNames.add(b.name());
        }
        List<TierConfig> tiers = new ArrayList<>();
        List<Section> sections = new ArrayList<>();
        Set<String> names = new HashSet<>();
        double from = 0;
        for (int i = 0; i < list.size(); i++) {
            String path = score.path("tiers") + "[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isObject()) {
                problems.report(tree.lineOf(path), path, Problems.render(item),
                        "a mapping with keys " + String.join(", ", TIER_KEYS));
                return List.of(); // the ranges after it cannot be checked against a missing one
            }
            Section s = Section.of(tree, problems, path, item, TIER_KEYS);
            boolean last = i == list.size() - 1;
            TierConfig tier = tier(s, from, last, backendNames, cacheEnabled);
            if (tier == null) {
                return List.of();
            }
            if (!names.add(tier.name())) {
                s.fail("name", tier.name(), "a name not used by another tier");
            }
            tiers.add(tier);
            sections.add(s);
            from = tier.below();
        }
        checkSpills(tiers, sections);
        return tiers;
    }

    /** One tier whose range starts at {@code from}; null when its range is unusable (reported). */
    private static TierConfig tier(Section s, double from, boolean last, Set<String> backendNames,
            boolean cacheEnabled) {
        String name = s.text("name", null, n -> ConfigBinder.NAME.matcher(n).matches(), ConfigBinder.NAME_EXPECTED);
        if (name == null) {
            if (!s.failed("name")) {
                s.fail("name", "missing", ConfigBinder.NAME_EXPECTED);
            }
            return null;
        }
        JsonNode fromNode = s.get("from");
        if (fromNode != null && !(fromNode.isNumber() && fromNode.doubleValue() == from)) {
            s.fail("from", format(from) + " or nothing: where the tier before ends"
                    + (from == 0 ? " (the first tier starts at 0)" : "; tiers must neither overlap nor leave a gap"));
            return null;
        }
        double below;
        if (s.get("below") == null) {
            if (!last) {
                s.fail("below", "missing", String.format(Locale.ROOT, BELOW_EXPECTED, format(from))
                        + "; only the last tier may leave it out");
                return null;
            }
            below = 1.0;
        } else {
            below = s.number("below", Double.NaN, Math.nextUp(from), 1.0,
                    String.format(Locale.ROOT, BELOW_EXPECTED, format(from)));
            if (s.failed("below")) {
                return null;
            }
            if (last && below != 1.0) {
                s.fail("below", "1 or nothing: the last tier must reach 1, or higher scores would have no tier");
                return null;
            }
        }
        Map<String, Action> actions = new LinkedHashMap<>();
        for (Action a : Action.values()) {
            actions.put(a.yamlName(), a);
        }
        Action action = s.choice("action", Action.ROUTE, actions, "route, deny or cache-only");
        if (action == Action.CACHE_ONLY && !cacheEnabled) {
            s.fail("action", "route or deny while cache.enabled is false: cache-only answers from the cache");
        }
        List<String> pool = pool(s, action, backendNames);
        String spillTo = s.text("spill-to", null, n -> ConfigBinder.NAME.matcher(n).matches(),
                "the name of another tier");
        if (spillTo != null && action != Action.ROUTE) {
            s.fail("spill-to", "no spill-to: a " + action.yamlName() + " tier has no pool to spill from");
            spillTo = null;
        }
        Duration retryAfter = s.duration("retry-after", DEFAULT_RETRY_AFTER, Duration.ZERO, Duration.ofDays(1),
                "a duration from 0 to 1d");
        return new TierConfig(name, from, below, action, pool, spillTo, retryAfter);
    }

    private static List<String> pool(Section s, Action action, Set<String> backendNames) {
        if (action != Action.ROUTE) {
            if (s.get("pool") != null) {
                s.fail("pool", "no pool: a " + action.yamlName() + " tier sends nothing to backends");
            }
            return List.of();
        }
        String expected = "a list of backend names from backends: " + String.join(", ", sorted(backendNames));
        if (s.nonEmptyList("pool", expected) == null) {
            return List.of();
        }
        List<String> pool = s.textList("pool", backendNames::contains,
                "the name of a backend: " + String.join(", ", sorted(backendNames)), expected);
        if (new HashSet<>(pool).size() != pool.size()) {
            s.fail("pool", "each backend once (weights set shares)");
        }
        return pool;
    }

    /** Every spill-to names another tier, and following them never comes back to where it began. */
    private static void checkSpills(List<TierConfig> tiers, List<Section> sections) {
        for (int i = 0; i < tiers.size(); i++) {
            TierConfig t = tiers.get(i);
            if (t.spillTo() == null) {
                continue;
            }
            if (t.spillTo().equals(t.name()) || index(tiers, t.spillTo()) < 0) {
                sections.get(i).fail("spill-to", "the name of another tier: " + String.join(", ", names(tiers)));
                continue;
            }
            Set<String> seen = new HashSet<>();
            TierConfig at = t;
            while (at != null && at.spillTo() != null && seen.add(at.name())) {
                int next = index(tiers, at.spillTo());
                at = next < 0 ? null : tiers.get(next);
            }
            if (at != null && at.spillTo() != null && at.name().equals(t.name())) {
                sections.get(i).fail("spill-to", "a tier whose spill-over does not lead back to " + t.name());
            }
        }
    }

    private static int index(List<TierConfig> tiers, String name) {
        for (int i = 0; i < tiers.size(); i++) {
            if (tiers.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> names(List<TierConfig> tiers) {
        return tiers.stream().map(TierConfig::name).distinct().toList();
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    /** 0.5 as "0.5", 1.0 as "1". */
    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** An http URL with a host and an optional path and query, or null. */
    private static URI httpUrl(String text) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("http") || uri.getHost() == null
                    || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
