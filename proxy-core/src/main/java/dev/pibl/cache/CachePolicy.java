package dev.pibl.cache;

import static java.util.Objects.requireNonNull;

import dev.pibl.config.CacheConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The HTTP caching rules (RFC 9111, with RFC 5861 stale directives and RFC 9213 targeted fields)
 * as PIBL applies them, as a shared cache in front of its backends: which requests look up, which
 * responses are stored and for how long, when a stored one may be reused, and what a 304 changes.
 * It reads no clock: every time is an epoch-millisecond argument from the caller's injected clock.
 *
 * <p>Constructed once per {@link CacheConfig}; immutable and stateless, so any thread may call it
 * (event loops on the request and response paths, the disk executor when it rebuilds entries).
 *
 * <p>Choices where the RFCs leave room, all documented on the methods: only GET responses are
 * stored, GET and HEAD share keys; requests with Authorization are looked up like any other;
 * {@code CacheConfig.defaultTtl} applies to 200, 203, 204, 300, 301 and 308 only, and with
 * {@code forceTtl} replaces the origin's own lifetime for those statuses only; a valid targeted
 * field (the configured one first, then {@code CDN-Cache-Control}) replaces Cache-Control and
 * Expires entirely.
 */
public final class CachePolicy {

    private static final long SECOND = 1000L;
    private static final String CDN_CACHE_CONTROL = "CDN-Cache-Control";

    private final CacheConfig config;
    private final Freshness freshness;
    private final long staleWhileRevalidate;
    private final long staleIfError;
    private final long keepStale;
    /** The targeted fields PIBL obeys, most specific first (RFC 9213 §2.2). */
    private final List<String> targetList;
    private final StoredHeaders storedHeaders;

    /** Separates a URL key from the rest of a variant key: it never occurs in a URL key. */
    public static final char VARY_SEPARATOR = CacheKeys.VARIANT;

    /** The policy for {@code config}: its durations are read once, here. */
    public CachePolicy(CacheConfig config) {
        this.config = requireNonNull(config, "config");
        this.freshness = new Freshness(millis(config.defaultTtl()), config.forceTtl(), config.heuristic());
        this.staleWhileRevalidate = millis(config.staleWhileRevalidate());
        this.staleIfError = millis(config.staleIfError());
        this.keepStale = millis(config.keepStale());
        String own = config.targetedField().strip();
        this.targetList = own.isEmpty() || own.equalsIgnoreCase(CDN_CACHE_CONTROL)
                ? List.of(CDN_CACHE_CONTROL) : List.of(own, CDN_CACHE_CONTROL);
        Set<String> lower = new HashSet<>();
        targetList.forEach(f -> lower.add(f.toLowerCase(Locale.ROOT)));
        this.storedHeaders = new StoredHeaders(lower, config.storeSetCookie());
    }

    /**
     * What a request asks of the cache (RFC 9111 §5.2.1). Durations in milliseconds, -1 when the
     * directive is absent. Immutable; any thread.
     *
     * @param lookup       whether the cache may answer it at all: GET and HEAD only
     * @param bypassReason why not, for Cache-Status {@code fwd=}/detail ("method"), or null
     * @param revalidate   the client wants validation first: no-cache, max-age=0, or, without
     *                     Cache-Control, {@code Pragma: no-cache} (§5.4)
     * @param maxAge       the oldest response it accepts
     * @param maxStale     how stale a response it accepts; {@code Long.MAX_VALUE} for a bare max-stale
     * @param minFresh     how much freshness must be left
     * @param onlyIfCached answer from the cache or with 504, never from a backend (§5.2.1.7)
     * @param noStore      store nothing of this exchange (§5.2.1.5); lookups still happen
     * @param staleIfError how stale a response it accepts when the backends fail (RFC 5861 §4)
     */
    public record RequestPlan(boolean lookup, String bypassReason, boolean revalidate, long maxAge, long maxStale,
            long minFresh, boolean onlyIfCached, boolean noStore, long staleIfError) {

        /** A plan without a request stale-if-error: the shape callers and tests build by hand. */
        public RequestPlan(boolean lookup, String bypassReason, boolean revalidate, long maxAge, long maxStale,
                long minFresh, boolean onlyIfCached, boolean noStore) {
            this(lookup, bypassReason, revalidate, maxAge, maxStale, minFresh, onlyIfCached, noStore, -1);
        }
    }

    /** How a stored entry may answer a request (RFC 9111 §4). Any thread. */
    public enum Use {
        /** Serve it as it is. */
        FRESH,
        /** Serve it stale, and refresh it in the background (RFC 5861 §3). */
        STALE_WHILE_REVALIDATE,
        /** Ask the backend with a conditional request built from its validators (§4.3.1). */
        REVALIDATE,
        /** Do not use it: a miss. */
        UNUSABLE
    }

    /**
     * The request's cache directives and whether it may be looked up at all. Only GET and HEAD are
     * looked up (method names are case-sensitive, RFC 9110 §9.1). A request with Authorization is
     * looked up like any other: only responses the origin marked as shareable (public, s-maxage,
     * must-revalidate) were stored for such requests (see {@link #notStorable}), and reusing a
     * shareable response for an authenticated request is what RFC 9111 §3.5 allows.
     */
    public RequestPlan plan(String method, HeaderView request) {
        requireNonNull(method, "method");
        requireNonNull(request, "request");
        List<String> lines = request.getAll("Cache-Control");
        CacheControl cc = CacheControl.parse(lines);
        boolean lookup = method.equals("GET") || method.equals("HEAD");
        boolean revalidate = cc.noCache() || cc.maxAge() == 0 || lines.isEmpty() && pragmaNoCache(request);
        long maxStale = cc.maxStale() == CacheControl.ANY ? Long.MAX_VALUE : toMillis(cc.maxStale());
        return new RequestPlan(lookup, lookup ? null : "method", revalidate, toMillis(cc.maxAge()), maxStale,
                toMillis(cc.minFresh()), cc.onlyIfCached(), cc.noStore(), toMillis(cc.staleIfError()));
    }

    /**
     * How {@code entry} may answer the request {@code plan} describes at {@code now} (RFC 9111
     * §4.2, §4.2.4, RFC 5861 §3). FRESH when fresh enough for the request's max-age and
     * min-fresh, or stale within its max-stale; STALE_WHILE_REVALIDATE when stale within the
     * entry's window and the request neither asked for validation nor set max-age, min-fresh
     * or max-stale limits it breaks; REVALIDATE otherwise when the entry has a validator;
     * UNUSABLE when it has none. Entries marked no-cache are never served unvalidated, and
     * must-revalidate ones never stale.
     */
    public Use use(CacheEntry entry, RequestPlan plan, long now) {
        requireNonNull(entry, "entry");
        requireNonNull(plan, "plan");
        if (!plan.lookup()) {
            return Use.UNUSABLE;
        }
        long age = entry.age(now);
        long ttl = entry.freshness() - age;
        boolean ageAccepted = plan.maxAge() < 0 || age <= plan.maxAge();
        if (!entry.noCache() && !plan.revalidate() && ageAccepted) {
            if (ttl > 0 && (plan.minFresh() < 0 || ttl >= plan.minFresh())) {
                return Use.FRESH;
            }
            // min-fresh asks for freshness: no stale answer satisfies it.
            if (ttl <= 0 && !entry.mustRevalidate() && plan.minFresh() < 0) {
                long staleness = -ttl;
                if (plan.maxStale() >= 0 && staleness <= plan.maxStale()) {
                    return Use.FRESH;
                }
                if (entry.staleWhileRevalidate() > 0 && staleness <= entry.staleWhileRevalidate()) {
                    return Use.STALE_WHILE_REVALIDATE;
                }
            }
        }
        return entry.hasValidator() ? Use.REVALIDATE : Use.UNUSABLE;
    }

    /**
     * Whether {@code entry} may answer because the backends failed (RFC 5861 §4, RFC 9111
     * §4.2.4): when still fresh (the request itself sent it to the backend), or stale within the
     * entry's stale-if-error window, the request's stale-if-error, or the request's max-stale.
     * Never for no-cache or must-revalidate entries: the origin forbade serving them unvalidated.
     */
    public boolean staleIfError(CacheEntry entry, RequestPlan plan, long now) {
        requireNonNull(entry, "entry");
        requireNonNull(plan, "plan");
        if (entry.noCache() || entry.mustRevalidate()) {
            return false;
        }
        long ttl = entry.ttl(now);
        if (ttl > 0) {
            return true;
        }
        long staleness = -ttl;
        return entry.staleIfError() > 0 && staleness <= entry.staleIfError()
                || plan.staleIfError() >= 0 && staleness <= plan.staleIfError()
                || plan.maxStale() >= 0 && staleness <= plan.maxStale();
    }

    /**
     * Null when the response may be stored (RFC 9111 §3), otherwise a short reason for logs and
     * Cache-Status: "method" (only GET responses are stored), "status", "no-store" (response or
     * request), "private", "authorization" (the request had Authorization and the response lacks
     * public, s-maxage and must-revalidate, §3.5), "set-cookie" (unless configured), "vary-star",
     * or "no-freshness": nothing would ever let it be reused, neither a validator nor a positive
     * lifetime (explicit, default TTL or heuristic) nor a stale window; that covers an explicit
     * lifetime of 0 and no-cache without a validator, which a conforming cache may store but
     * could only throw away.
     *
     * <p>Statuses: 200, 203, 204, 300, 301, 308, 404, 405, 410, 414 and 501 are heuristically
     * cacheable (RFC 9110 §15.1); 302, 303, 307 and 403 are stored only with explicit freshness
     * (max-age, s-maxage or Expires); all others, 206 and 304 included, never. must-understand
     * overrides no-store (§5.2.2.3), since every status stored here is one PIBL understands.
     * With a valid targeted field, its directives stand in for Cache-Control and Expires.
     */
    public String notStorable(String method, HeaderView request, int status, HeaderView response) {
        requireNonNull(method, "method");
        requireNonNull(request, "request");
        requireNonNull(response, "response");
        if (!method.equals("GET")) {
            return "method";
        }
        Directives d = directives(response);
        CacheControl cc = d.cc();
        boolean explicit = cc.sMaxAge() >= 0 || cc.maxAge() >= 0 || !d.targeted() && response.get("Expires") != null;
        if (!Freshness.heuristicallyCacheable(status) && !(Freshness.explicitOnly(status) && explicit)) {
            return "status";
        }
        if (cc.noStore() && !cc.mustUnderstand() || CacheControl.parse(request.getAll("Cache-Control")).noStore()) {
            return "no-store";
        }
        if (cc.isPrivate()) {
            return "private";
        }
        if (request.get("Authorization") != null && !cc.isPublic() && cc.sMaxAge() < 0 && !cc.mustRevalidate()) {
            return "authorization";
        }
        if (!config.storeSetCookie() && response.get("Set-Cookie") != null) {
            return "set-cookie";
        }
        if (CacheKeys.varyNames(response).contains("*")) {
            return "vary-star";
        }
        if (!reusable(status, d, response)) {
            return "no-freshness";
        }
        return null;
    }

    private boolean reusable(int status, Directives d, HeaderView response) {
        if (validEtag(response.get("ETag")) != null || validDate(response.get("Last-Modified")) != null) {
            return true;
        }
        CacheControl cc = d.cc();
        if (cc.noCache()) {
            return false;
        }
        long date = HttpDates.parse(response.get("Date"));
        if (freshness.lifetime(status, cc, d.targeted(), response, date) > 0) {
            return true;
        }
        boolean mustRevalidate = cc.mustRevalidate() || cc.proxyRevalidate() || cc.sMaxAge() >= 0;
        return !mustRevalidate && (window(cc.staleWhileRevalidate(), staleWhileRevalidate) > 0
                || window(cc.staleIfError(), staleIfError) > 0);
    }

    /**
     * The entry to store for a response {@link #notStorable} accepted (RFC 9111 §3, §4.2):
     * freshness lifetime (§4.2.1) from, in order, {@code forceTtl}'s default TTL (for the
     * statuses the default TTL applies to), s-maxage, max-age, Expires minus Date (Date missing
     * or invalid: {@code responseTime}; an invalid or repeated-and-conflicting Expires: 0), the
     * default TTL, the heuristic (§4.2.2, when enabled: 10% of Date minus Last-Modified, at most
     * a day, heuristically cacheable statuses only), else 0. Initial age per §4.2.3, an invalid
     * Age ignored. Stored headers lose hop-by-hop fields, Age, the targeted fields and (unless
     * configured) Set-Cookie, and gain a Date when the response had none (RFC 9110 §6.6.1).
     * {@code request} is read for nothing today; it is part of the contract so that request-
     * dependent rules need no signature change.
     */
    public CacheEntry entry(String key, HeaderView request, int status, String reason, HeaderView response,
            long requestTime, long responseTime, long bodyLength) {
        requireNonNull(key, "key");
        requireNonNull(request, "request");
        requireNonNull(reason, "reason");
        requireNonNull(response, "response");
        List<Header> headers = storedHeaders.filter(response);
        if (response.get("Date") == null) {
            headers.add(new Header("Date", HttpDates.format(responseTime)));
        }
        return build(key, status, reason, headers, directives(response), response.get("Age"), requestTime,
                responseTime, bodyLength);
    }

    /**
     * {@code stale} brought up to date by a 304 that validated it (RFC 9111 §4.3.4): the 304's
     * fields replace the stored ones of the same name, except Content-Length, Vary (the key was
     * made from it), hop-by-hop fields, Age, targeted fields and Set-Cookie (unless configured);
     * a 304 without Date counts as dated {@code responseTime}. Freshness, age, flags and
     * validators are worked out again from the merged fields and the new times. Targeted fields
     * are not stored, so they count only when the 304 carries one; otherwise the merged
     * Cache-Control and Expires decide. A 304 that now says no-store or private leaves an entry
     * that must be validated on every use and is not worth keeping ({@code keepUntil} =
     * {@code responseTime}), rather than one that silently stays reusable.
     */
    public CacheEntry refreshed(CacheEntry stale, HeaderView notModified, long requestTime, long responseTime) {
        requireNonNull(stale, "stale");
        requireNonNull(notModified, "notModified");
        List<Header> merged = storedHeaders.merge(stale.headers(), notModified);
        if (notModified.get("Date") == null) {
            merged = withDate(merged, HttpDates.format(responseTime));
        }
        Directives d = targeted(notModified);
        if (d == null) {
            d = directives(HeaderView.of(merged));
        }
        CacheEntry e = build(stale.key(), stale.status(), stale.reason(), merged, d, notModified.get("Age"),
                requestTime, responseTime, stale.bodyLength());
        CacheControl cc = d.cc();
        if (cc.noStore() && !cc.mustUnderstand() || cc.isPrivate()) {
            return new CacheEntry(e.key(), e.status(), e.reason(), e.headers(), e.requestTime(), e.responseTime(),
                    e.initialAge(), 0, 0, 0, true, e.mustRevalidate(), e.etag(), e.lastModified(), e.varyNames(),
                    responseTime, e.bodyLength());
        }
        return e;
    }

    /**
     * Whether PIBL keeps a response field from clients: the targeted fields it obeys, which RFC
     * 9213 §2.1 lets the cache that consumes them drop. Compared without regard to case.
     */
    public boolean hideFromClient(String fieldName) {
        requireNonNull(fieldName, "fieldName");
        for (int i = 0; i < targetList.size(); i++) {
            if (targetList.get(i).equalsIgnoreCase(fieldName)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the client's own conditional is satisfied by {@code entry}, so the cache may answer
     * 304 (RFC 9110 §13.2.2): If-None-Match, when present, decides alone, by weak comparison with
     * the entry's ETag ({@code *} matches any entry); otherwise If-Modified-Since, when a valid
     * date, matches an entry not modified since (Last-Modified, else its Date, else when it was
     * received: RFC 9111 §4.3.2). Only 2xx entries match (RFC 9110 §13.2.1). Ask it only about an
     * entry the cache is about to serve (fresh, stale-while-revalidate, or just revalidated):
     * it judges the validators, not whether the entry may be used.
     */
    public static boolean notModified(HeaderView request, CacheEntry entry) {
        requireNonNull(request, "request");
        requireNonNull(entry, "entry");
        return Conditionals.notModified(request, entry);
    }

    /**
     * The request fields a response's Vary names (RFC 9110 §12.5.5): lower case, in order, each
     * once, from every Vary line; contains "*" when the response varies on anything.
     */
    public static List<String> varyNames(HeaderView response) {
        requireNonNull(response, "response");
        return CacheKeys.varyNames(response);
    }

    /**
     * The key of the variant of {@code urlKey} that {@code request} selects (RFC 9111 §4.1):
     * {@code urlKey} alone when nothing varies, else {@code urlKey}, NUL, and the value of each
     * named field separated by U+0001. A field's value is all its lines as one comma list with the
     * whitespace around commas normalised, so requests that §4.1 says match give the same key,
     * and an absent field differs from an empty one. Values are otherwise compared as sent:
     * case and element order matter.
     */
    public static String variantKey(String urlKey, List<String> varyNames, HeaderView request) {
        requireNonNull(urlKey, "urlKey");
        requireNonNull(varyNames, "varyNames");
        requireNonNull(request, "request");
        return CacheKeys.variantKey(urlKey, varyNames, request);
    }

    /**
     * The primary key of a request (RFC 9111 §2): its host in lower case without a default
     * {@code :80}, followed by its target as sent (origin-form path and query). The scheme is not
     * part of it, since PIBL serves one. GET and HEAD share keys: a HEAD is answered from the
     * stored GET response.
     */
    public static String urlKey(String host, String target) {
        requireNonNull(host, "host");
        requireNonNull(target, "target");
        return CacheKeys.urlKey(host, target);
    }

    /**
     * The URL keys to invalidate after an unsafe request got {@code status} (RFC 9111 §4.4): none
     * unless 2xx or 3xx; otherwise the request's own key plus those of Location and
     * Content-Location when they name the same host (relative references resolved against the
     * request target; http or https with its default port; other hosts ignored, so a response
     * cannot purge another origin). The caller decides which methods are unsafe.
     */
    public static List<String> invalidated(String host, int status, HeaderView response, String requestTarget) {
        requireNonNull(host, "host");
        requireNonNull(response, "response");
        requireNonNull(requestTarget, "requestTarget");
        return CacheKeys.invalidated(host, status, response, requestTarget);
    }

    /** The directives that govern a response, and whether they came from a targeted field. */
    private record Directives(CacheControl cc, boolean targeted) {
    }

    private Directives directives(HeaderView response) {
        Directives targeted = targeted(response);
        return targeted != null ? targeted : new Directives(CacheControl.parse(response.getAll("Cache-Control")), false);
    }

    /** The first valid targeted field on the target list (RFC 9213 §2.2), or null. */
    private Directives targeted(HeaderView response) {
        for (int i = 0; i < targetList.size(); i++) {
            List<String> lines = response.getAll(targetList.get(i));
            if (!lines.isEmpty()) {
                CacheControl cc = TargetedField.parse(lines);
                if (cc != null) {
                    return new Directives(cc, true);
                }
            }
        }
        return null;
    }

    private CacheEntry build(String key, int status, String reason, List<Header> headers, Directives d,
            String age, long requestTime, long responseTime, long bodyLength) {
        HeaderView view = HeaderView.of(headers);
        CacheControl cc = d.cc();
        long dateValue = HttpDates.parse(view.get("Date"));
        long date = dateValue == HttpDates.INVALID ? responseTime : dateValue;
        long initialAge = Freshness.initialAge(date, age, requestTime, responseTime);
        long freshness = this.freshness.lifetime(status, cc, d.targeted(), view, date);
        boolean mustRevalidate = cc.mustRevalidate() || cc.proxyRevalidate() || cc.sMaxAge() >= 0;
        long swr = window(cc.staleWhileRevalidate(), staleWhileRevalidate);
        long sie = window(cc.staleIfError(), staleIfError);
        String etag = validEtag(view.get("ETag"));
        String lastModified = validDate(view.get("Last-Modified"));
        long keep = Math.max(Math.max(swr, sie), etag != null || lastModified != null ? keepStale : 0);
        long keepUntil = Math.max(responseTime, saturatedAdd(responseTime - initialAge, saturatedAdd(freshness, keep)));
        return new CacheEntry(key, status, reason, headers, requestTime, responseTime, initialAge, freshness, swr, sie,
                cc.noCache(), mustRevalidate, etag, lastModified, CacheKeys.varyNames(view), keepUntil, bodyLength);
    }

    private static boolean pragmaNoCache(HeaderView request) {
        for (String line : request.getAll("Pragma")) {
            for (String token : line.split(",")) {
                if (token.strip().equalsIgnoreCase("no-cache")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<Header> withDate(List<Header> headers, String date) {
        List<Header> dated = new ArrayList<>(headers.size() + 1);
        boolean placed = false;
        for (Header h : headers) {
            if (!h.name().equalsIgnoreCase("Date")) {
                dated.add(h);
            } else if (!placed) {
                dated.add(new Header(h.name(), date));
                placed = true;
            }
        }
        if (!placed) {
            dated.add(new Header("Date", date));
        }
        return dated;
    }

    private static String validEtag(String etag) {
        return etag == null || etag.isBlank() ? null : etag.strip();
    }

    private static String validDate(String value) {
        return HttpDates.parse(value) == HttpDates.INVALID ? null : value.strip();
    }

    /** A directive's window in milliseconds, or the configured default when the response gives none. */
    private static long window(long directiveSeconds, long configured) {
        return directiveSeconds >= 0 ? directiveSeconds * SECOND : configured;
    }

    private static long toMillis(long seconds) {
        return seconds < 0 ? -1 : seconds * SECOND;
    }

    private static long millis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }
}
