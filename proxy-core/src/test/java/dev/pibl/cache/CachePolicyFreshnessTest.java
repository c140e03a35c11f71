package dev.pibl.cache;

import static dev.pibl.cache.PolicyFixtures.NO_HEADERS;
import static dev.pibl.cache.PolicyFixtures.SECOND;
import static dev.pibl.cache.PolicyFixtures.T0;
import static dev.pibl.cache.PolicyFixtures.cell;
import static dev.pibl.cache.PolicyFixtures.config;
import static dev.pibl.cache.PolicyFixtures.conforming;
import static dev.pibl.cache.PolicyFixtures.defaults;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.CacheConfig;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The freshness lifetime a stored entry gets (RFC 9111 §4.2.1, §4.2.2; RFC 9213), from each
 * source and in PIBL's order. Responses arrive at T0 = Sun, 01 Mar 2026 12:00:00 GMT.
 */
class CachePolicyFreshnessTest {

    private static final String NOW = "Sun, 01 Mar 2026 12:00:00 GMT";
    private static final String HOUR_AGO = "Sun, 01 Mar 2026 11:00:00 GMT";
    private static final String IN_AN_HOUR = "Sun, 01 Mar 2026 13:00:00 GMT";

    private static long freshness(CacheConfig config, int status, String response) {
        CachePolicy policy = new CachePolicy(config);
        return policy.entry("k", NO_HEADERS, status, "", cell(response), T0, T0, 0).freshness() / SECOND;
    }

    private static CacheConfig named(String config) {
        return switch (config) {
            case "defaults" -> defaults();
            case "conforming" -> conforming();
            case "force" -> config(Duration.ofSeconds(60), true, false, false, Duration.ZERO, Duration.ZERO);
            case "force-zero" -> config(Duration.ZERO, true, false, false, Duration.ZERO, Duration.ZERO);
            case "heuristic" -> config(Duration.ZERO, false, true, false, Duration.ZERO, Duration.ZERO);
            case "ttl+heuristic" -> config(Duration.ofSeconds(60), false, true, false, Duration.ZERO, Duration.ZERO);
            default -> throw new IllegalArgumentException(config);
        };
    }

    @ParameterizedTest(name = "{0}: {1} [{2}] is fresh for {3} s")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // explicit freshness, strongest first
        "defaults      | 200 | Cache-Control: max-age=30                                  | 30",
        "defaults      | 200 | Cache-Control: max-age=30, s-maxage=90                     | 90",
        "defaults      | 200 | Cache-Control: max-age=30^Expires: " + IN_AN_HOUR + "      | 30",
        "defaults      | 200 | Date: " + NOW + "^Expires: " + IN_AN_HOUR + "              | 3600",
        "defaults      | 200 | Date: " + HOUR_AGO + "^Expires: " + NOW + "                | 3600",
        "defaults      | 200 | Expires: " + IN_AN_HOUR + "                                | 3600",
        "defaults      | 200 | Date: " + NOW + "^Expires: " + HOUR_AGO + "                | 0",
        "defaults      | 200 | Expires: 0^ETag: \"a\"                                     | 0",
        "defaults      | 200 | Expires: " + IN_AN_HOUR + "^Expires: " + IN_AN_HOUR + "    | 3600",
        "defaults      | 200 | Expires: " + IN_AN_HOUR + "^Expires: " + NOW + "           | 0",
        "defaults      | 200 | Cache-Control: max-age=0^ETag: \"a\"                       | 0",
        "defaults      | 200 | Cache-Control: max-age=99999999999                         | 2147483648",
        "defaults      | 404 | Cache-Control: max-age=30                                  | 30",
        // the default TTL: only for some statuses, never over the origin's own lifetime unless forced
        "defaults      | 200 | -                                                          | 60",
        "defaults      | 301 | -                                                          | 60",
        "defaults      | 404 | ETag: \"a\"                                                | 0",
        "defaults      | 410 | ETag: \"a\"                                                | 0",
        "conforming    | 200 | ETag: \"a\"                                                | 0",
        "force         | 200 | Cache-Control: max-age=3600                                | 60",
        "force         | 200 | Cache-Control: s-maxage=5^Expires: " + IN_AN_HOUR + "      | 60",
        "force         | 200 | CDN-Cache-Control: max-age=600                             | 60",
        "force         | 404 | Cache-Control: max-age=30                                  | 30",
        "force         | 302 | Cache-Control: max-age=30                                  | 30",
        "force-zero    | 200 | Cache-Control: max-age=30                                  | 30",
        // the heuristic: 10 % of Date minus Last-Modified, at most a day, when no default TTL applies
        "heuristic     | 200 | Date: " + NOW + "^Last-Modified: " + HOUR_AGO + "          | 360",
        "heuristic     | 200 | Last-Modified: " + HOUR_AGO + "                            | 360",
        "heuristic     | 404 | Date: " + NOW + "^Last-Modified: Sun, 01 Feb 2026 12:00:00 GMT | 86400",
        "heuristic     | 200 | Date: " + HOUR_AGO + "^Last-Modified: " + NOW + "          | 0",
        "heuristic     | 302 | Cache-Control: public^Last-Modified: " + HOUR_AGO + "      | 0",
        "heuristic     | 200 | Cache-Control: max-age=7^Last-Modified: " + HOUR_AGO + "   | 7",
        "heuristic     | 200 | Expires: " + NOW + "^Last-Modified: " + HOUR_AGO + "       | 0",
        "conforming    | 200 | Last-Modified: " + HOUR_AGO + "                            | 0",
        "ttl+heuristic | 200 | Last-Modified: " + HOUR_AGO + "                            | 60",
        "ttl+heuristic | 404 | Last-Modified: " + HOUR_AGO + "                            | 360",
        // targeted fields: the configured one, then CDN-Cache-Control, then Cache-Control and Expires
        "defaults      | 200 | PIBL-Cache-Control: max-age=10^CDN-Cache-Control: max-age=20^Cache-Control: max-age=30 | 10",
        "defaults      | 200 | CDN-Cache-Control: max-age=20^Cache-Control: max-age=30    | 20",
        "defaults      | 200 | pibl-cache-control: max-age=10^Cache-Control: max-age=30   | 10",
        "defaults      | 200 | PIBL-Cache-Control: Max-Age=10^CDN-Cache-Control: max-age=20 | 20",
        "defaults      | 200 | CDN-Cache-Control: max-age=20, max-age=600                 | 600",
        "defaults      | 200 | CDN-Cache-Control: must-revalidate^Cache-Control: max-age=30 | 60",
        "conforming    | 200 | CDN-Cache-Control: public^Expires: " + IN_AN_HOUR + "^ETag: \"a\" | 0",
        "defaults      | 200 | X-Other-Cache-Control: max-age=5^Cache-Control: max-age=30 | 30",
    })
    void lifetime(String config, int status, String response, long seconds) {
        assertThat(freshness(named(config), status, response)).isEqualTo(seconds);
    }

    @ParameterizedTest(name = "targeted-field {0}: [{1}] is fresh for {2} s")
    @CsvSource(delimiter = '|', value = {
        "Acme-Cache-Control | Acme-Cache-Control: max-age=5^CDN-Cache-Control: max-age=20         | 5",
        "Acme-Cache-Control | PIBL-Cache-Control: max-age=5^CDN-Cache-Control: max-age=20         | 20",
        "CDN-Cache-Control  | CDN-Cache-Control: max-age=20^Cache-Control: max-age=30             | 20",
    })
    void theConfiguredTargetedField(String field, String response, long seconds) {
        CacheConfig d = defaults();
        CacheConfig config = new CacheConfig(d.enabled(), d.defaultTtl(), false, false, false, Duration.ZERO,
                Duration.ZERO, d.keepStale(), field, d.directory(), d.memorySize(), d.diskSize(), d.maxObjectSize(),
                d.fsync(), d.coalesceMaxWaiters(), d.coalesceTimeout());
        assertThat(freshness(config, 200, response)).isEqualTo(seconds);
    }
}
