package dev.pibl.cache;

import dev.pibl.config.CacheConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Headers, configs and times for the policy tests. */
final class PolicyFixtures {

    /** A fixed "now" for tests that need one: the caller's clock, never the system's. */
    static final long T0 = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();
    static final long SECOND = 1000;
    static final HeaderView NO_HEADERS = HeaderView.of(List.of());

    private PolicyFixtures() {
    }

    /** A header view from "Name: value" lines, in order. */
    static HeaderView headers(String... lines) {
        return HeaderView.of(list(lines));
    }

    /** A header view from a table cell: "Name: value" lines separated by '^'; null or blank for none. */
    static HeaderView cell(String joined) {
        return joined == null || joined.isBlank() ? NO_HEADERS : headers(joined.split("\\^"));
    }

    static List<Header> list(String... lines) {
        List<Header> headers = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            headers.add(new Header(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
        return headers;
    }

    static String date(long millis) {
        return "Date: " + HttpDates.format(millis);
    }

    /** The reference config: 60 s default TTL, no heuristic, no stale windows, 10 min keep-stale. */
    static CacheConfig defaults() {
        return CacheConfig.defaults(Path.of("cache"));
    }

    /** default-ttl 0 and no heuristic: only what the origin allows (RFC 9111 as written). */
    static CacheConfig conforming() {
        return defaults().withDefaultTtl(Duration.ZERO);
    }

    static CacheConfig config(Duration defaultTtl, boolean forceTtl, boolean heuristic, boolean storeSetCookie,
            Duration swr, Duration sie) {
        CacheConfig d = defaults();
        return new CacheConfig(d.enabled(), defaultTtl, forceTtl, heuristic, storeSetCookie, swr, sie, d.keepStale(),
                d.targetedField(), d.directory(), d.memorySize(), d.diskSize(), d.maxObjectSize(), d.fsync(),
                d.coalesceMaxWaiters(), d.coalesceTimeout());
    }

    static CachePolicy policy() {
        return new CachePolicy(defaults());
    }

    /** An entry for a GET of /x answered 200 at {@link #T0} with {@code responseLines}, no delay. */
    static CacheEntry stored(CachePolicy policy, String... responseLines) {
        return policy.entry("example.com/x", NO_HEADERS, 200, "OK", headers(responseLines), T0, T0, 0);
    }
}
