package dev.pibl.cache;

import static dev.pibl.cache.PolicyFixtures.NO_HEADERS;
import static dev.pibl.cache.PolicyFixtures.SECOND;
import static dev.pibl.cache.PolicyFixtures.T0;
import static dev.pibl.cache.PolicyFixtures.cell;
import static dev.pibl.cache.PolicyFixtures.config;
import static dev.pibl.cache.PolicyFixtures.date;
import static dev.pibl.cache.PolicyFixtures.headers;
import static dev.pibl.cache.PolicyFixtures.policy;
import static dev.pibl.cache.PolicyFixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What else a stored entry records: its age on arrival (RFC 9111 §4.2.3), flags, windows, validators, keepUntil. */
class CachePolicyEntryTest {

    private static CacheEntry arrived(String response, long requestTime, long responseTime) {
        return policy().entry("k", NO_HEADERS, 200, "OK", cell(response), requestTime, responseTime, 0);
    }

    @ParameterizedTest(name = "[{0}] sent {1} s before arrival: initial age {2} s")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "-                                          | 0  | 0",
        "-                                          | 2  | 2",
        "Age: 30                                    | 0  | 30",
        "Age: 30                                    | 2  | 32",
        "Age: abc                                   | 2  | 2",
        "Age: -5                                    | 0  | 0",
        "Age: 1.5                                   | 0  | 0",
        "Age: 99999999999                           | 0  | 2147483648",
        "Date: Sun, 01 Mar 2026 11:58:20 GMT        | 0  | 100",
        "Date: Sun, 01 Mar 2026 11:58:20 GMT^Age: 10 | 2 | 100",
        "Date: Sun, 01 Mar 2026 11:59:50 GMT^Age: 30 | 2 | 32",
        "Date: Sun, 01 Mar 2026 12:10:00 GMT        | 0  | 0",
        "Date: not a date                           | 2  | 2",
    })
    void initialAge(String response, long delaySeconds, long ageSeconds) {
        CacheEntry e = arrived(response, PolicyFixtures.T0 - delaySeconds * SECOND, T0);
        assertThat(e.initialAge()).isEqualTo(ageSeconds * SECOND);
    }

    @Test
    void ageWithMaxAgeDecidesWhenItStales() {
        CacheEntry e = arrived("Cache-Control: max-age=60^Age: 50", T0, T0);
        assertThat(e.ttl(T0)).isEqualTo(10 * SECOND);
        assertThat(e.isFresh(T0 + 9 * SECOND)).isTrue();
        assertThat(e.isFresh(T0 + 10 * SECOND)).isFalse();
    }

    @ParameterizedTest(name = "[{0}] noCache={1} mustRevalidate={2}")
    @CsvSource(delimiter = '|', value = {
        "Cache-Control: max-age=60                    | false | false",
        "Cache-Control: no-cache                      | true  | false",
        "Cache-Control: no-cache=\"Set-Cookie\"       | true  | false",
        "Cache-Control: must-revalidate               | false | true",
        "Cache-Control: proxy-revalidate              | false | true",
        "Cache-Control: s-maxage=60                   | false | true",
        "CDN-Cache-Control: max-age=9^Cache-Control: must-revalidate | false | false",
    })
    void flags(String response, boolean noCache, boolean mustRevalidate) {
        CacheEntry e = arrived(response, T0, T0);
        assertThat(e.noCache()).isEqualTo(noCache);
        assertThat(e.mustRevalidate()).isEqualTo(mustRevalidate);
    }

    @Test
    void staleWindowsFromTheResponseElseFromTheConfig() {
        CachePolicy withDefaults = new CachePolicy(config(Duration.ofSeconds(60), false, false, false,
                Duration.ofSeconds(7), Duration.ofSeconds(8)));
        CacheEntry own = stored(withDefaults, "Cache-Control: max-age=1, stale-while-revalidate=30, stale-if-error=40");
        assertThat(own.staleWhileRevalidate()).isEqualTo(30 * SECOND);
        assertThat(own.staleIfError()).isEqualTo(40 * SECOND);
        CacheEntry configured = stored(withDefaults, "Cache-Control: max-age=1");
        assertThat(configured.staleWhileRevalidate()).isEqualTo(7 * SECOND);
        assertThat(configured.staleIfError()).isEqualTo(8 * SECOND);
        CacheEntry zero = stored(withDefaults, "Cache-Control: max-age=1, stale-while-revalidate=0");
        assertThat(zero.staleWhileRevalidate()).isZero();
    }

    @Test
    void validatorsAndVary() {
        CacheEntry e = stored(policy(), "ETag: W/\"v1\"", "Last-Modified: Sun, 01 Mar 2026 11:00:00 GMT",
                "Vary: Accept-Encoding, ACCEPT", "Vary: accept-encoding, X-Tenant");
        assertThat(e.etag()).isEqualTo("W/\"v1\"");
        assertThat(e.lastModified()).isEqualTo("Sun, 01 Mar 2026 11:00:00 GMT");
        assertThat(e.varyNames()).containsExactly("accept-encoding", "accept", "x-tenant");
        CacheEntry none = stored(policy(), "Last-Modified: tomorrow", "ETag:  ");
        assertThat(none.etag()).isNull();
        assertThat(none.lastModified()).isNull();
        assertThat(none.hasValidator()).isFalse();
        assertThat(none.varyNames()).isEmpty();
    }

    @ParameterizedTest(name = "[{0}] kept until T0 + {1} s")
    @CsvSource(delimiter = '|', value = {
        "Cache-Control: max-age=60                                     | 60",
        "Cache-Control: max-age=60^ETag: \"a\"                         | 660",
        "Cache-Control: max-age=60^Last-Modified: Sun, 01 Mar 2026 11:00:00 GMT | 660",
        "Cache-Control: max-age=60, stale-if-error=86400^ETag: \"a\"   | 86460",
        "Cache-Control: max-age=60, stale-while-revalidate=30          | 90",
        "Cache-Control: max-age=60^Age: 20                             | 40",
        "Cache-Control: max-age=60^Age: 100                            | 0",
        "Cache-Control: max-age=0, stale-if-error=30^Age: 10           | 20",
    })
    void keepUntil(String response, long seconds) {
        CacheEntry e = arrived(response, T0, T0);
        assertThat(e.keepUntil()).isEqualTo(T0 + seconds * SECOND);
    }

    @Test
    void keepsStatusReasonKeyTimesAndLength() {
        CacheEntry e = policy().entry("example.com/a", headers("Accept: */*"), 301, "Moved Permanently",
                headers(date(T0), "Location: /b"), T0 - 5, T0, 42);
        assertThat(e.key()).isEqualTo("example.com/a");
        assertThat(e.status()).isEqualTo(301);
        assertThat(e.reason()).isEqualTo("Moved Permanently");
        assertThat(e.requestTime()).isEqualTo(T0 - 5);
        assertThat(e.responseTime()).isEqualTo(T0);
        assertThat(e.bodyLength()).isEqualTo(42);
    }
}
