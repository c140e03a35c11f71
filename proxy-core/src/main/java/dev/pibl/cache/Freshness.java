package dev.pibl.cache;

import java.util.List;

/**
 * Freshness lifetime (RFC 9111 §4.2.1, §4.2.2) and initial age (§4.2.3) of a response, with
 * PIBL's default TTL folded in, and which statuses may be stored at all. Immutable; pure
 * functions: any thread.
 */
final class Freshness {

    private static final long SECOND = 1000L;
    /** The most a heuristic may give: RFC 9111 §4.2.2 warns past a day, PIBL simply stops there. */
    private static final long DAY = 86_400_000L;

    private final long defaultTtl;
    private final boolean forceTtl;
    private final boolean heuristic;

    /** {@code defaultTtl} in milliseconds, 0 for none. */
    Freshness(long defaultTtl, boolean forceTtl, boolean heuristic) {
        this.defaultTtl = defaultTtl;
        this.forceTtl = forceTtl;
        this.heuristic = heuristic;
    }

    /**
     * The freshness lifetime in milliseconds: forced default TTL, s-maxage, max-age, Expires
     * minus {@code date} (unless the directives came from a targeted field, which replaces
     * Expires too), default TTL, heuristic, else 0. {@code date} is the response's Date, or
     * {@code HttpDates.INVALID} when the caller has no time to stand in for a missing one: then
     * a valid Expires or Last-Modified counts as 1 ms, "some positive lifetime", which is all a
     * storability check needs to know.
     */
    long lifetime(int status, CacheControl cc, boolean targeted, HeaderView headers, long date) {
        boolean defaultApplies = defaultTtl > 0 && defaultTtlApplies(status);
        if (forceTtl && defaultApplies) {
            return defaultTtl;
        }
        if (cc.sMaxAge() >= 0) {
            return cc.sMaxAge() * SECOND;
        }
        if (cc.maxAge() >= 0) {
            return cc.maxAge() * SECOND;
        }
        if (!targeted) {
            List<String> expires = headers.getAll("Expires");
            if (!expires.isEmpty()) {
                return expiresLifetime(expires, date);
            }
        }
        if (defaultApplies) {
            return defaultTtl;
        }
        if (heuristic && heuristicallyCacheable(status)) {
            long lastModified = HttpDates.parse(headers.get("Last-Modified"));
            if (lastModified == HttpDates.INVALID) {
                return 0;
            }
            return date == HttpDates.INVALID ? 1 : Math.min(DAY, Math.max(0, (date - lastModified) / 10));
        }
        return 0;
    }

    /** Expires minus Date; an invalid Expires, or lines that disagree, mean already expired (§4.2.1, §5.3). */
    private static long expiresLifetime(List<String> lines, long date) {
        String first = lines.get(0).strip();
        for (int i = 1; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals(first)) {
                return 0;
            }
        }
        long expires = HttpDates.parse(first);
        if (expires == HttpDates.INVALID) {
            return 0;
        }
        return date == HttpDates.INVALID ? 1 : Math.max(0, expires - date);
    }

    /** corrected_initial_age (RFC 9111 §4.2.3); an Age that is not delta-seconds counts as 0. */
    static long initialAge(long date, String age, long requestTime, long responseTime) {
        long apparentAge = Math.max(0, responseTime - date);
        long responseDelay = Math.max(0, responseTime - requestTime);
        long ageValue = age == null ? 0 : CacheControl.Builder.seconds(age.strip()) * SECOND;
        return Math.max(apparentAge, ageValue + responseDelay);
    }

    /** The statuses the default TTL applies to: the successful and permanent ones PIBL's users expect cached. */
    static boolean defaultTtlApplies(int status) {
        return switch (status) {
            case 200, 203, 204, 300, 301, 308 -> true;
            default -> false;
        };
    }

    /** Heuristically cacheable by default (RFC 9110 §15.1). */
    static boolean heuristicallyCacheable(int status) {
        return switch (status) {
            case 200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501 -> true;
            default -> false;
        };
    }

    /** Statuses PIBL understands but stores only with explicit freshness. */
    static boolean explicitOnly(int status) {
        return status == 302 || status == 303 || status == 307 || status == 403;
    }
}
