package dev.pibl.cache;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What is known of one stored response, without its body: the status line and headers to replay,
 * and the facts of RFC 9111 worked out once when it was stored, so serving a hit is arithmetic
 * and never re-parses a header. Immutable; shared by every thread. Times are epoch milliseconds
 * of the cache's injected clock; durations are milliseconds.
 *
 * @param key                  the variant key: the URL's key plus the values of the fields Vary names
 * @param status               the response status code
 * @param reason               its reason phrase
 * @param headers              the fields to replay to clients, in order: hop-by-hop fields, Age and
 *                             targeted cache-control fields already removed
 * @param requestTime          when the request that fetched it was sent (RFC 9111 §4.2.3 request_time)
 * @param responseTime         when its response arrived (response_time)
 * @param initialAge           corrected_initial_age: its age when it arrived, from Age, Date and the delay
 * @param freshness            freshness lifetime (RFC 9111 §4.2.1), 0 when it must be validated on every use
 * @param staleWhileRevalidate how long past freshness it may be served while refreshed in the background
 * @param staleIfError         how long past freshness it may be served when the backends fail
 * @param noCache              the origin said no-cache: validate before every use
 * @param mustRevalidate       the origin said must-revalidate, proxy-revalidate or s-maxage: never serve it stale
 * @param etag                 its ETag, or {@code null}
 * @param lastModified         its Last-Modified, or {@code null}
 * @param varyNames            the request fields Vary names, lower case, in order; empty when none
 * @param keepUntil            when it stops being worth keeping, even stale
 * @param bodyLength           the length of its body in bytes
 */
public record CacheEntry(
        String key,
        int status,
        String reason,
        List<Header> headers,
        long requestTime,
        long responseTime,
        long initialAge,
        long freshness,
        long staleWhileRevalidate,
        long staleIfError,
        boolean noCache,
        boolean mustRevalidate,
        String etag,
        String lastModified,
        List<String> varyNames,
        long keepUntil,
        long bodyLength) {

    public CacheEntry {
        requireNonNull(key, "key");
        requireNonNull(reason, "reason");
        headers = List.copyOf(requireNonNull(headers, "headers"));
        varyNames = List.copyOf(requireNonNull(varyNames, "varyNames"));
    }

    /** Its current age at {@code now} (RFC 9111 §4.2.3), never negative. */
    public long age(long now) {
        return initialAge + Math.max(0, now - responseTime);
    }

    /** Freshness left at {@code now}; negative once stale. */
    public long ttl(long now) {
        return freshness - age(now);
    }

    /** Whether it is fresh at {@code now} (no-cache entries never are). */
    public boolean isFresh(long now) {
        return !noCache && ttl(now) > 0;
    }

    /** Whether a conditional request can revalidate it. */
    public boolean hasValidator() {
        return etag != null || lastModified != null;
    }
}
