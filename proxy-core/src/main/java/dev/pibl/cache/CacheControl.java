package dev.pibl.cache;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/**
 * The directives of a {@code Cache-Control} field (RFC 9111 §5.2), request and response ones in
 * one record, plus {@code stale-while-revalidate} and {@code stale-if-error} (RFC 5861) and
 * {@code immutable} (RFC 8246). Numbers are delta-seconds as sent, not milliseconds; a numeric
 * directive that is absent is {@code -1}. Immutable; {@link #parse} is a pure function: any thread.
 *
 * <p>Parsing is lenient where the RFC asks recipients to be robust and strict where leniency
 * would extend freshness:
 * <ul>
 * <li>names are case-insensitive; arguments may be tokens or quoted strings (§5.2);
 *     unknown directives are ignored (§5.2.3);
 * <li>the qualified forms {@code no-cache="field"} and {@code private="field"} count as the plain
 *     directives: a shared cache that does not strip the named fields must not reuse the response
 *     unvalidated, nor store a response meant for one user;
 * <li>an invalid or missing delta-seconds (§1.2.2) counts as 0, so the response is stale and the
 *     request asks for validation;
 * <li>values beyond 2^31 are capped at 2^31 seconds (§1.2.2);
 * <li>a numeric directive repeated with different values is invalid (§4.2.1) and takes its most
 *     restrictive value: 0, except {@code min-fresh}, which takes the largest.
 * </ul>
 *
 * @param noStore              {@code no-store}
 * @param noCache              {@code no-cache}, qualified or not
 * @param isPrivate            {@code private}, qualified or not
 * @param isPublic             {@code public}
 * @param mustRevalidate       {@code must-revalidate}
 * @param proxyRevalidate      {@code proxy-revalidate}
 * @param mustUnderstand       {@code must-understand}
 * @param noTransform          {@code no-transform}
 * @param maxAge               {@code max-age} in seconds
 * @param sMaxAge              {@code s-maxage} in seconds
 * @param maxStale             {@code max-stale} in seconds; {@code Long.MAX_VALUE} without a value (any staleness)
 * @param minFresh             {@code min-fresh} in seconds
 * @param onlyIfCached         {@code only-if-cached}
 * @param staleWhileRevalidate {@code stale-while-revalidate} in seconds
 * @param staleIfError         {@code stale-if-error} in seconds
 * @param immutable            {@code immutable}
 */
public record CacheControl(
        boolean noStore,
        boolean noCache,
        boolean isPrivate,
        boolean isPublic,
        boolean mustRevalidate,
        boolean proxyRevalidate,
        boolean mustUnderstand,
        boolean noTransform,
        long maxAge,
        long sMaxAge,
        long maxStale,
        long minFresh,
        boolean onlyIfCached,
        long staleWhileRevalidate,
        long staleIfError,
        boolean immutable) {

    /** A numeric directive that is not there. */
    static final long ABSENT = -1;
    /** {@code max-stale} without a value: any staleness. */
    static final long ANY = Long.MAX_VALUE;
    /** The largest delta-seconds a cache needs to tell apart (RFC 9111 §1.2.2). */
    static final long MAX_DELTA_SECONDS = 1L << 31;

    /** No directives at all. */
    static final CacheControl NONE = new Builder().build();

    /**
     * The directives of every {@code Cache-Control} field line, in order. An empty list gives
     * no directives: every flag false, every number -1.
     */
    public static CacheControl parse(List<String> fieldValues) {
        requireNonNull(fieldValues, "fieldValues");
        if (fieldValues.isEmpty()) {
            return NONE;
        }
        Builder b = new Builder();
        for (int i = 0; i < fieldValues.size(); i++) {
            parseLine(fieldValues.get(i), b);
        }
        return b.build();
    }

    private static void parseLine(String s, Builder b) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int start = i;
            while (i < n && (c = s.charAt(i)) != '=' && c != ',' && c != ' ' && c != '\t') {
                i++;
            }
            String name = s.substring(start, i).toLowerCase(Locale.ROOT);
            i = skipWhitespace(s, i);
            String value = null;
            if (i < n && s.charAt(i) == '=') {
                i = skipWhitespace(s, i + 1);
                if (i < n && s.charAt(i) == '"') {
                    StringBuilder quoted = new StringBuilder();
                    i++;
                    while (i < n && s.charAt(i) != '"') {
                        if (s.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        quoted.append(s.charAt(i++));
                    }
                    // An unterminated quoted string is no argument anyone meant.
                    value = i < n ? quoted.toString() : "";
                    i++;
                } else {
                    start = i;
                    while (i < n && (c = s.charAt(i)) != ',' && c != ' ' && c != '\t') {
                        i++;
                    }
                    value = s.substring(start, i);
                }
            }
            i = skipWhitespace(s, i);
            if (i < n && s.charAt(i) != ',') {
                // Junk after the directive ("max-age=60 x"): its argument cannot be trusted.
                value = "";
                while (i < n && s.charAt(i) != ',') {
                    i = s.charAt(i) == '"' ? skipQuoted(s, i) : i + 1;
                }
            }
            if (!name.isEmpty()) {
                b.directive(name, value);
            }
        }
    }

    private static int skipWhitespace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int skipQuoted(String s, int i) {
        i++;
        while (i < s.length() && s.charAt(i) != '"') {
            i += s.charAt(i) == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    /**
     * Collects directives one by one, for {@code Cache-Control} and for targeted fields (whose
     * Structured Fields syntax is parsed elsewhere). Single thread.
     */
    static final class Builder {
        private boolean noStore;
        private boolean noCache;
        private boolean isPrivate;
        private boolean isPublic;
        private boolean mustRevalidate;
        private boolean proxyRevalidate;
        private boolean mustUnderstand;
        private boolean noTransform;
        private long maxAge = ABSENT;
        private long sMaxAge = ABSENT;
        private long maxStale = ABSENT;
        private long minFresh = ABSENT;
        private boolean onlyIfCached;
        private long staleWhileRevalidate = ABSENT;
        private long staleIfError = ABSENT;
        private boolean immutable;

        /**
         * One directive: {@code name} in lower case, {@code value} its argument or null when it
         * has none. Flags are set whatever their argument.
         */
        void directive(String name, String value) {
            switch (name) {
                case "no-store" -> noStore = true;
                case "no-cache" -> noCache = true;
                case "private" -> isPrivate = true;
                case "public" -> isPublic = true;
                case "must-revalidate" -> mustRevalidate = true;
                case "proxy-revalidate" -> proxyRevalidate = true;
                case "must-understand" -> mustUnderstand = true;
                case "no-transform" -> noTransform = true;
                case "only-if-cached" -> onlyIfCached = true;
                case "immutable" -> immutable = true;
                case "max-age" -> maxAge = repeated(maxAge, seconds(value));
                case "s-maxage" -> sMaxAge = repeated(sMaxAge, seconds(value));
                case "max-stale" -> maxStale = repeated(maxStale, value == null ? ANY : seconds(value));
                case "min-fresh" -> minFresh = Math.max(minFresh, seconds(value));
                case "stale-while-revalidate" -> staleWhileRevalidate = repeated(staleWhileRevalidate, seconds(value));
                case "stale-if-error" -> staleIfError = repeated(staleIfError, seconds(value));
                default -> {
                    // Extensions PIBL does not implement are ignored (RFC 9111 §5.2.3).
                }
            }
        }

        CacheControl build() {
            return new CacheControl(noStore, noCache, isPrivate, isPublic, mustRevalidate, proxyRevalidate,
                    mustUnderstand, noTransform, maxAge, sMaxAge, maxStale, minFresh, onlyIfCached,
                    staleWhileRevalidate, staleIfError, immutable);
        }

        /** A second occurrence that disagrees makes the directive invalid: its most restrictive value. */
        private static long repeated(long current, long value) {
            return current == ABSENT || current == value ? value : 0;
        }

        /** delta-seconds (RFC 9111 §1.2.2): digits only, capped at 2^31; anything else is 0. */
        static long seconds(String value) {
            if (value == null || value.isEmpty()) {
                return 0;
            }
            long n = 0;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < '0' || c > '9') {
                    return 0;
                }
                n = Math.min(n * 10 + (c - '0'), MAX_DELTA_SECONDS);
            }
            return n;
        }
    }
}
