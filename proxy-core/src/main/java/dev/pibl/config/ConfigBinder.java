package dev.pibl.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks a {@link YamlTree} section by section into a {@link PiblConfig}: the schema, its defaults
 * and its ranges live here and nowhere else.
 *
 * <p>Every problem goes to {@link Problems} and the binding carries on with the default in its
 * place, so the result is only meaningful when no problem was reported. Used on the loading
 * thread only.
 */
final class ConfigBinder {

    private static final List<String> ROOT_KEYS =
            List.of("server", "backends", "balancing", "timeouts", "upstream", "health", "cache", "logging", "admin");
    private static final List<String> SERVER_KEYS =
            List.of("port", "bind", "io-threads", "limits", "trusted-proxies", "max-connections", "overload");
    private static final List<String> LIMITS_KEYS =
            List.of("max-request-line", "max-header-size", "max-headers", "max-body-size");
    private static final List<String> BACKEND_KEYS = List.of("name", "url", "weight");
    private static final List<String> BALANCING_KEYS = List.of("policy", "score");
    private static final List<String> TIMEOUTS_KEYS =
            List.of("connect", "response", "client-header", "client-body", "idle", "upstream-idle", "drain", "request");
    private static final List<String> UPSTREAM_KEYS =
            List.of("max-connections", "max-pending", "pending-timeout", "max-tries", "preserve-host", "retry-budget", "min-retries-per-second");
    private static final List<String> HEALTH_KEYS = List.of("active", "passive", "panic", "slow-start");
    private static final List<String> ACTIVE_KEYS = List.of("enabled", "path", "interval", "timeout",
            "expected-status", "rise", "fall", "initial");
    private static final List<String> PASSIVE_KEYS = List.of("enabled", "consecutive-failures", "ejection-time",
            "max-ejection-time", "max-ejected-percent");
    private static final List<String> CACHE_KEYS = List.of("enabled", "default-ttl", "force-ttl", "heuristic",
            "store-set-cookie", "stale-while-revalidate", "stale-if-error", "keep-stale", "targeted-field",
            "directory", "memory-size", "disk-size", "max-object-size", "fsync", "coalesce");
    private static final List<String> ADMIN_KEYS = List.of("enabled", "port", "bind", "token");
    private static final List<String> COALESCE_KEYS = List.of("max-waiters", "timeout");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]{16,256}=*");
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    private static final List<String> LOGGING_KEYS = List.of("file", "stdout", "format", "detail", "rotate");
    private static final List<String> ROTATE_KEYS = List.of("max-file-size", "max-history", "total-size-cap");
    private static final Duration MAX_HISTORY = Duration.ofDays(3650);
    private static final String MAX_HISTORY_EXPECTED = "a whole number of days from 1d to 3650d";

    private static final String PORT_EXPECTED = "an integer from 1 to 65535";
    private static final String URL_EXPECTED = "http://host:port";

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;
    private static final Duration MAX_TIMEOUT = Duration.ofDays(1);
    private static final String TIMEOUT_RANGE = "a duration from 1ms to 1d";
    private static final String HEAD_LIMIT_RANGE = "a size from 256B to 1MiB";
    private static final int MAX_CHECK_PATH = 1024;
    private static final String CHECK_PATH_EXPECTED =
            "a path starting with /, at most " + MAX_CHECK_PATH + " characters, without spaces or control characters";
    private static final Pattern STATUS_RANGE = Pattern.compile("([0-9]{3})(?:-([0-9]{3}))?");
    private static final String STATUS_RANGE_EXPECTED =
            "a status or range such as 200 or 200-399, from 100 to 599, lowest first";

    /** A backend's or a tier's name. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final String NAME_EXPECTED = "1 to 64 letters, digits, '.', '_' or '-'";
    /** What metrics and the access log call "no backend" (cache hits, PIBL's own answers): no backend may be named so. */
    private static final String NO_BACKEND = "none";
    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern HOST_NAME = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
    private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    // Shape only (hex digits, colons, an embedded IPv4 tail, a zone); the bind itself is the real test.
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");

    private final YamlTree tree;
    private final Problems problems;

    ConfigBinder(YamlTree tree, Problems problems) {
        this.tree = tree;
        this.problems = problems;
    }

    /** Binds the whole document; meaningful only if {@link Problems#isEmpty()} afterwards. */
    PiblConfig bind() {
        JsonNode root = tree.root();
        if (!root.isMissingNode() && !root.isNull() && !root.isObject()) {
            // Not a configuration at all: the messages per section would only be noise.
            problems.report(tree.lineOf(""), "", Problems.render(root),
                    "a mapping with keys " + String.join(", ", ROOT_KEYS));
            return null;
        }
        Section top = Section.of(tree, problems, "", root, ROOT_KEYS);
        // Bound in file order, so problems come out in the order the operator reads them; the
        // tiers, which name backends and may need the cache, are bound after both.
        ServerConfig server = server(top.section("server", SERVER_KEYS));
        List<BackendConfig> backends = backends(top);
        Section balancingSection = top.section("balancing", BALANCING_KEYS);
        BalancingConfig.Policy policy = policy(balancingSection);
        TimeoutsConfig timeouts = timeouts(top.section("timeouts", TIMEOUTS_KEYS));
        UpstreamConfig upstream = upstream(top.section("upstream", UPSTREAM_KEYS));
        HealthConfig health = health(top.section("health", HEALTH_KEYS));
        CacheConfig cache = cache(top.section("cache", CACHE_KEYS));
        ScoringConfig score = new ScoringBinder(tree, problems)
                .bind(balancingSection, policy == BalancingConfig.Policy.SCORE, backends, cache.enabled());
        BalancingConfig balancing = policy == BalancingConfig.Policy.SCORE && score != null
                ? new BalancingConfig(policy, score)
                : BalancingConfig.roundRobin();
        return new PiblConfig(server, backends, balancing, timeouts, upstream, health, cache,
                logging(top.section("logging", LOGGING_KEYS)),
                admin(top.section("admin", ADMIN_KEYS)));
    }

    private static ServerConfig server(Section s) {
        // 0 (any free port) is accepted but left out of the message: it is for tests, not operators.
        int port = s.integer("port", 8080, 0, 65535, PORT_EXPECTED);
        String bind = s.text("bind", "0.0.0.0", ConfigBinder::isHost, "an IP address or host name, such as 0.0.0.0");
        int ioThreads = s.integer("io-threads", 0, 0, 256);
        LimitsConfig limits = limits(s.section("limits", LIMITS_KEYS));
        List<String> trustedProxies = s.textList("trusted-proxies", TrustedProxies::isValid, TrustedProxies.EXPECTED,
                "a list of IP addresses or CIDR blocks such as [10.0.0.0/8, \"::1\"]");
        int maxConnections = s.integer("max-connections", 10_000, 0, 1_000_000);
        Map<String, ServerConfig.Overload> overloads = new LinkedHashMap<>();
        overloads.put("reject", ServerConfig.Overload.REJECT);
        overloads.put("pause", ServerConfig.Overload.PAUSE);
        ServerConfig.Overload overload = s.choice("overload", ServerConfig.Overload.REJECT, overloads,
                choices(overloads.keySet()));
        return new ServerConfig(port, bind, ioThreads, limits, trustedProxies, maxConnections, overload);
    }

    private static LimitsConfig limits(Section s) {
        return new LimitsConfig(
                (int) s.size("max-request-line", 8 * KIB, 256, MIB, HEAD_LIMIT_RANGE),
                (int) s.size("max-header-size", 16 * KIB, 256, MIB, HEAD_LIMIT_RANGE),
                s.integer("max-headers", 100, 1, 10_000),
                s.size("max-body-size", 0, 0, Long.MAX_VALUE, DataSizes.EXPECTED));
    }

    private List<BackendConfig> backends(Section top) {
        JsonNode list = top.nonEmptyList("backends", "at least one backend");
        if (list == null) {
            return List.of();
        }
        List<BackendConfig> backends = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "backends[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isObject()) {
                // Even an empty item ("-" alone) is a mistake here: a backend needs its url.
                problems.report(tree.lineOf(path), path, Problems.render(item),
                        "a mapping with keys " + String.join(", ", BACKEND_KEYS));
                continue;
            }
            Section s = Section.of(tree, problems, path, item, BACKEND_KEYS);
            BackendConfig backend = backend(s);
            if (backend == null) {
                continue;
            }
            if (!names.add(backend.name())) {
                s.fail("name", backend.name(), "a name not used by another backend");
                continue;
            }
            backends.add(backend);
        }
        return backends;
    }

    /** One backend, or {@code null} when its url or name is unusable (already reported). */
    private static BackendConfig backend(Section s) {
        // Read in the order of the keys, so problems on one line (flow style) come in that order.
        String name = s.text("name", null, n -> NAME.matcher(n).matches(), NAME_EXPECTED);
        if (NO_BACKEND.equals(name)) {
            s.fail("name", name, "another name: '" + NO_BACKEND + "' stands for no backend in metrics and logs");
        }
        String url = s.text("url", null, u -> parseUrl(u) != null, URL_EXPECTED);
        int weight = s.integer("weight", 1, 1, 1000);
        if (url == null) {
            if (!s.failed("url")) {
                s.fail("url", "missing", URL_EXPECTED);
            }
            return null;
        }
        if (s.failed("name")) {
            return null;
        }
        BackendConfig parsed = parseUrl(url);
        // An unnamed backend goes by its address in logs, as an nginx upstream server does.
        String effectiveName = name != null ? name : parsed.url().substring("http://".length());
        return new BackendConfig(effectiveName, parsed.host(), parsed.port(), weight);
    }

    /**
     * {@code http://host[:port][/]} as a backend with a placeholder name, or {@code null} for
     * anything else: other schemes, user info, a path, a query or a fragment all mean the operator
     * expects something this proxy does not do.
     */
    private static BackendConfig parseUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals("http")
                || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return null;
        }
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            return null;
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        if (port < 1 || port > 65535) {
            return null;
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new BackendConfig("", host, port, 1);
    }

    private static BalancingConfig.Policy policy(Section s) {
        Map<String, BalancingConfig.Policy> policies = new LinkedHashMap<>();
        for (BalancingConfig.Policy policy : BalancingConfig.Policy.values()) {
            policies.put(policy.yamlName(), policy);
        }
        return s.choice("policy", BalancingConfig.Policy.ROUND_ROBIN, policies, choices(policies.keySet()));
    }

    private static TimeoutsConfig timeouts(Section s) {
        return new TimeoutsConfig(
                timeout(s, "connect", Duration.ofSeconds(2)),
                timeout(s, "response", Duration.ofSeconds(30)),
                timeout(s, "client-header", Duration.ofSeconds(10)),
                timeout(s, "client-body", Duration.ofSeconds(60)),
                timeout(s, "idle", Duration.ofSeconds(60)),
                timeout(s, "upstream-idle", Duration.ofSeconds(30)),
                timeout(s, "drain", Duration.ofSeconds(20)),
                s.duration("request", Duration.ZERO, Duration.ZERO, MAX_TIMEOUT, "a duration from 0 (none) to 1d"));
    }

    private static Duration timeout(Section s, String key, Duration defaultValue) {
        return s.duration(key, defaultValue, Duration.ofMillis(1), MAX_TIMEOUT, TIMEOUT_RANGE);
    }

    private static UpstreamConfig upstream(Section s) {
        return new UpstreamConfig(
                s.integer("max-connections", 1024, 1, 100_000),
                s.integer("max-pending", 1024, 0, 100_000),
                s.duration("pending-timeout", Duration.ofSeconds(5), Duration.ofMillis(1), null,
                        "a duration greater than 0"),
                s.integer("max-tries", 3, 1, 10),
                s.bool("preserve-host", true),
                s.integer("retry-budget", 20, 0, 100),
                s.integer("min-retries-per-second", 10, 0, 10_000));
    }

    private static HealthConfig health(Section s) {
        return new HealthConfig(
                activeCheck(s.section("active", ACTIVE_KEYS)),
                passiveCheck(s.section("passive", PASSIVE_KEYS)),
                s.bool("panic", false),
                s.duration("slow-start", Duration.ZERO, Duration.ZERO, Duration.ofHours(1), "a duration from 0 to 1h"));
    }

    private static HealthConfig.ActiveCheck activeCheck(Section s) {
        HealthConfig.ActiveCheck d = HealthConfig.defaults().active();
        boolean enabled = s.bool("enabled", d.enabled());
        String path = s.text("path", d.path(), ConfigBinder::isCheckPath, CHECK_PATH_EXPECTED);
        Duration interval = s.duration("interval", d.interval(), Duration.ofMillis(100), Duration.ofHours(1),
                "a duration from 100ms to 1h");
        Duration timeout = s.duration("timeout", d.timeout(), Duration.ofMillis(1), Duration.ofMinutes(1),
                "a duration from 1ms to 1m");
        // A check still running when the next one is due would overlap it.
        if (timeout.compareTo(interval) >= 0 && !s.failed("interval") && !s.failed("timeout")) {
            // Blame the key the operator wrote: the other one may be a default they never saw.
            if (s.get("timeout") != null) {
                s.fail("timeout", "a duration less than health.active.interval, " + Durations.format(interval));
            } else {
                s.fail("interval", "a duration greater than health.active.timeout, " + Durations.format(timeout));
            }
        }
        String status = s.text("expected-status", null, text -> statusRange(text) != null, STATUS_RANGE_EXPECTED);
        int[] statuses = status == null ? new int[] {d.statusFrom(), d.statusTo()} : statusRange(status);
        int rise = s.integer("rise", d.rise(), 1, 100);
        int fall = s.integer("fall", d.fall(), 1, 100);
        Map<String, Boolean> initial = new LinkedHashMap<>();
        initial.put("healthy", true);
        initial.put("unknown", false);
        boolean startHealthy = s.choice("initial", d.startHealthy(), initial, choices(initial.keySet()));
        return new HealthConfig.ActiveCheck(enabled, path, interval, timeout, statuses[0], statuses[1], rise, fall,
                startHealthy);
    }

    private static HealthConfig.PassiveCheck passiveCheck(Section s) {
        HealthConfig.PassiveCheck d = HealthConfig.defaults().passive();
        boolean enabled = s.bool("enabled", d.enabled());
        int consecutiveFailures = s.integer("consecutive-failures", d.consecutiveFailures(), 1, 1000);
        Duration ejectionTime = timeout(s, "ejection-time", d.ejectionTime());
        Duration maxEjectionTime = timeout(s, "max-ejection-time", d.maxEjectionTime());
        // The ejection time doubles on each repeat up to the maximum, so the maximum cannot be below the start.
        if (maxEjectionTime.compareTo(ejectionTime) < 0
                && !s.failed("ejection-time") && !s.failed("max-ejection-time")) {
            // Blame the key the operator wrote: the other one may be a default they never saw.
            if (s.get("max-ejection-time") != null) {
                s.fail("max-ejection-time", "a duration no shorter than health.passive.ejection-time, "
                        + Durations.format(ejectionTime));
            } else {
                s.fail("ejection-time", "a duration no longer than health.passive.max-ejection-time, "
                        + Durations.format(maxEjectionTime));
            }
        }
        int maxEjectedPercent = s.integer("max-ejected-percent", d.maxEjectedPercent(), 0, 100);
        return new HealthConfig.PassiveCheck(enabled, consecutiveFailures, ejectionTime, maxEjectionTime,
                maxEjectedPercent);
    }

    /** The path an active check requests: it goes into a request line as written. */
    private static boolean isCheckPath(String text) {
        if (text.isEmpty() || text.charAt(0) != '/' || text.length() > MAX_CHECK_PATH) {
            return false;
        }
        return text.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.isISOControl(c));
    }

    /** {@code NNN} or {@code NNN-NNN} as {from, to}, or {@code null} when it is neither or out of order. */
    private static int[] statusRange(String text) {
        Matcher m = STATUS_RANGE.matcher(text);
        if (!m.matches()) {
            return null;
        }
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        if (from < 100 || to > 599 || from > to) {
            return null;
        }
        return new int[] {from, to};
    }

    private static CacheConfig cache(Section s) {
        CacheConfig d = CacheConfig.defaults(Path.of("cache"));
        boolean enabled = s.bool("enabled", d.enabled());
        Duration defaultTtl = s.duration("default-ttl", d.defaultTtl(), Duration.ZERO, null, Durations.EXPECTED);
        boolean forceTtl = s.bool("force-ttl", d.forceTtl());
        boolean heuristic = s.bool("heuristic", d.heuristic());
        boolean storeSetCookie = s.bool("store-set-cookie", d.storeSetCookie());
        Duration swr = s.duration("stale-while-revalidate", d.staleWhileRevalidate(), Duration.ZERO, MAX_TIMEOUT,
                "a duration from 0 to 1d");
        Duration sie = s.duration("stale-if-error", d.staleIfError(), Duration.ZERO, MAX_TIMEOUT, "a duration from 0 to 1d");
        Duration keepStale = s.duration("keep-stale", d.keepStale(), Duration.ZERO, Duration.ofDays(30),
                "a duration from 0 to 30d");
        String targetedField = s.text("targeted-field", d.targetedField(), f -> FIELD_NAME.matcher(f).matches(),
                "a header field name such as PIBL-Cache-Control");
        Path directory = path(s, "directory", "cache", "a directory path");
        long memorySize = s.size("memory-size", d.memorySize(), 1, Long.MAX_VALUE, "a size greater than 0");
        long diskSize = s.size("disk-size", d.diskSize(), 1, Long.MAX_VALUE, "a size greater than 0");
        long maxObjectSize = s.size("max-object-size", d.maxObjectSize(), 1, Long.MAX_VALUE, "a size greater than 0");
        // An object is first buffered in memory, so one larger than the whole memory tier could never be kept.
        if (maxObjectSize > memorySize && !s.failed("memory-size") && !s.failed("max-object-size")) {
            // Blame the key the operator wrote: the other one may be a default they never saw.
            if (s.get("max-object-size") != null) {
                s.fail("max-object-size", "a size no larger than cache.memory-size, " + DataSizes.format(memorySize));
            } else {
                s.fail("memory-size", "a size no smaller than cache.max-object-size, " + DataSizes.format(maxObjectSize));
            }
        }
        Map<String, CacheConfig.Fsync> fsyncs = new LinkedHashMap<>();
        fsyncs.put("never", CacheConfig.Fsync.NEVER);
        fsyncs.put("always", CacheConfig.Fsync.ALWAYS);
        CacheConfig.Fsync fsync = s.choice("fsync", d.fsync(), fsyncs, choices(fsyncs.keySet()));
        Section coalesce = s.section("coalesce", COALESCE_KEYS);
        int maxWaiters = coalesce.integer("max-waiters", d.coalesceMaxWaiters(), 0, 100_000);
        Duration coalesceTimeout = coalesce.duration("timeout", d.coalesceTimeout(), Duration.ofMillis(1), MAX_TIMEOUT,
                TIMEOUT_RANGE);
        return new CacheConfig(enabled, defaultTtl, forceTtl, heuristic, storeSetCookie, swr, sie, keepStale,
                targetedField, directory, memorySize, diskSize, maxObjectSize, fsync, maxWaiters, coalesceTimeout);
    }

    private static AdminConfig admin(Section s) {
        boolean enabled = s.bool("enabled", true);
        int port = s.integer("port", 9090, 0, 65535, PORT_EXPECTED);
        String bind = s.text("bind", "127.0.0.1", ConfigBinder::isHost, "an IP address or host name, such as 127.0.0.1");
        String token = s.text("token", "", t -> t.isEmpty() || TOKEN.matcher(t).matches(),
                "empty, or 16 to 256 characters of A-Z a-z 0-9 - . _ ~ + /");
        return new AdminConfig(enabled, port, bind, token);
    }

    private static LoggingConfig logging(Section s) {
        Map<String, LoggingConfig.Format> formats = new LinkedHashMap<>();
        formats.put("text", LoggingConfig.Format.TEXT);
        formats.put("json", LoggingConfig.Format.JSON);
        Map<String, LoggingConfig.Detail> details = new LinkedHashMap<>();
        details.put("summary", LoggingConfig.Detail.SUMMARY);
        details.put("headers", LoggingConfig.Detail.HEADERS);
        return new LoggingConfig(
                path(s, "file", "logs/access.log", "a file path"),
                s.bool("stdout", true),
                s.choice("format", LoggingConfig.Format.TEXT, formats, choices(formats.keySet())),
                s.choice("detail", LoggingConfig.Detail.SUMMARY, details, choices(details.keySet())),
                rotation(s.section("rotate", ROTATE_KEYS)));
    }

    private static LoggingConfig.Rotation rotation(Section s) {
        LoggingConfig.Rotation d = LoggingConfig.Rotation.DEFAULTS;
        long maxFileSize = s.size("max-file-size", d.maxFileSize(), KIB, Long.MAX_VALUE, "a size of at least 1KiB");
        Duration history = s.duration("max-history", d.maxHistory(), Duration.ofDays(1),
                MAX_HISTORY, MAX_HISTORY_EXPECTED);
        // Files roll once a day, so retention counts days: 36h would silently mean one day or two.
        if (!history.equals(Duration.ofDays(history.toDays())) && !s.failed("max-history")) {
            s.fail("max-history", MAX_HISTORY_EXPECTED);
            history = d.maxHistory();
        }
        long totalSizeCap = s.size("total-size-cap", d.totalSizeCap(), 0, Long.MAX_VALUE,
                "0 (no cap) or a size such as 5GiB");
        // A cap below one file's size would delete each file as soon as it is rolled.
        if (totalSizeCap != 0 && totalSizeCap < maxFileSize
                && !s.failed("max-file-size") && !s.failed("total-size-cap")) {
            // Blame the key the operator wrote: the other one may be a default they never saw.
            if (s.get("total-size-cap") != null) {
                s.fail("total-size-cap", "0 (no cap) or a size no smaller than logging.rotate.max-file-size, "
                        + DataSizes.format(maxFileSize));
            } else {
                s.fail("max-file-size", "a size no larger than logging.rotate.total-size-cap, "
                        + DataSizes.format(totalSizeCap));
            }
        }
        return new LoggingConfig.Rotation(maxFileSize, history, totalSizeCap);
    }

    private static Path path(Section s, String key, String defaultValue, String expected) {
        return Path.of(s.text(key, defaultValue, ConfigBinder::isPath, expected));
    }

    /** Whether {@code text} can be a file or directory path (not checked to exist). */
    static boolean isPath(String text) {
        if (text.isBlank()) {
            return false;
        }
        try {
            Path.of(text);
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /**
     * Whether {@code text} looks like an IP literal or a host name. Checked by shape only: the
     * loader never resolves names, so {@code --check} gives the same answer offline.
     */
    private static boolean isHost(String text) {
        if (text.indexOf(':') >= 0) {
            return IPV6.matcher(text).matches();
        }
        if (DIGITS_AND_DOTS.matcher(text).matches()) {
            return IPV4.matcher(text).matches();
        }
        return text.length() <= 253 && HOST_NAME.matcher(text).matches();
    }

    /** "a", "a or b", "one of a, b, c": how a message lists the accepted spellings. */
    private static String choices(Set<String> names) {
        List<String> list = List.copyOf(names);
        if (list.size() == 1) {
            return list.get(0);
        }
        if (list.size() == 2) {
            return list.get(0) + " or " + list.get(1);
        }
        return "one of " + String.join(", ", list);
    }
}
