package dev.pibl.cache;

import static dev.pibl.cache.PolicyFixtures.SECOND;
import static dev.pibl.cache.PolicyFixtures.T0;
import static dev.pibl.cache.PolicyFixtures.cell;
import static dev.pibl.cache.PolicyFixtures.config;
import static dev.pibl.cache.PolicyFixtures.policy;
import static dev.pibl.cache.PolicyFixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.cache.CachePolicy.Use;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * When a stored entry may answer (RFC 9111 §4.2, §4.2.4, §5.2.1; RFC 5861): entries are stored at
 * T0 and asked for {@code seconds} later.
 */
class CachePolicyUseTest {

    private static final CachePolicy POLICY = policy();

    private static Use use(String response, String method, String request, long seconds) {
        CacheEntry entry = stored(POLICY, response.split("\\^"));
        return POLICY.use(entry, POLICY.plan(method, cell(request)), T0 + seconds * SECOND);
    }

    @ParameterizedTest(name = "[{0}] asked [{1}] after {2} s: {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // freshness alone
        "Cache-Control: max-age=60                        | -                           | 30     | FRESH",
        "Cache-Control: max-age=60                        | -                           | 59     | FRESH",
        "Cache-Control: max-age=60                        | -                           | 60     | UNUSABLE",
        "Cache-Control: max-age=60^ETag: \"a\"            | -                           | 61     | REVALIDATE",
        "Cache-Control: max-age=60^Last-Modified: Sun, 01 Mar 2026 11:00:00 GMT | -     | 61     | REVALIDATE",
        "Cache-Control: max-age=60^Age: 50                | -                           | 10     | UNUSABLE",
        // the request's limits
        "Cache-Control: max-age=60                        | Cache-Control: max-age=30   | 30     | FRESH",
        "Cache-Control: max-age=60                        | Cache-Control: max-age=10   | 30     | UNUSABLE",
        "Cache-Control: max-age=60^ETag: \"a\"            | Cache-Control: max-age=10   | 30     | REVALIDATE",
        "Cache-Control: max-age=60                        | Cache-Control: min-fresh=20 | 30     | FRESH",
        "Cache-Control: max-age=60^ETag: \"a\"            | Cache-Control: min-fresh=20 | 45     | REVALIDATE",
        "Cache-Control: max-age=60^ETag: \"a\"            | Cache-Control: no-cache     | 1      | REVALIDATE",
        "Cache-Control: max-age=60^ETag: \"a\"            | Pragma: no-cache            | 1      | REVALIDATE",
        "Cache-Control: max-age=60                        | Cache-Control: no-cache     | 1      | UNUSABLE",
        "Cache-Control: max-age=60                        | Cache-Control: no-store     | 1      | FRESH",
        // max-stale
        "Cache-Control: max-age=60                        | Cache-Control: max-stale=10 | 65     | FRESH",
        "Cache-Control: max-age=60                        | Cache-Control: max-stale=10 | 70     | FRESH",
        "Cache-Control: max-age=60                        | Cache-Control: max-stale=10 | 71     | UNUSABLE",
        "Cache-Control: max-age=60                        | Cache-Control: max-stale    | 999999 | FRESH",
        "Cache-Control: max-age=60, must-revalidate       | Cache-Control: max-stale    | 65     | UNUSABLE",
        "Cache-Control: max-age=60, proxy-revalidate^ETag: \"a\" | Cache-Control: max-stale | 65 | REVALIDATE",
        "Cache-Control: s-maxage=60                       | Cache-Control: max-stale    | 65     | UNUSABLE",
        "Cache-Control: max-age=60                        | Cache-Control: max-stale, min-fresh=1 | 65 | UNUSABLE",
        "Cache-Control: max-age=60                        | Cache-Control: max-stale, max-age=62  | 65 | UNUSABLE",
        // stale-while-revalidate
        "Cache-Control: max-age=60, stale-while-revalidate=30 | -                       | 80     | STALE_WHILE_REVALIDATE",
        "Cache-Control: max-age=60, stale-while-revalidate=30 | -                       | 90     | STALE_WHILE_REVALIDATE",
        "Cache-Control: max-age=60, stale-while-revalidate=30 | -                       | 91     | UNUSABLE",
        "Cache-Control: max-age=60, stale-while-revalidate=30^ETag: \"a\" | -           | 91     | REVALIDATE",
        "Cache-Control: max-age=60, stale-while-revalidate=30 | -                       | 30     | FRESH",
        "Cache-Control: max-age=60, stale-while-revalidate=30^ETag: \"a\" | Cache-Control: no-cache | 80 | REVALIDATE",
        "Cache-Control: max-age=60, stale-while-revalidate=30 | Cache-Control: min-fresh=1 | 80  | UNUSABLE",
        "Cache-Control: max-age=60, stale-while-revalidate=30 | Cache-Control: max-age=70  | 80  | UNUSABLE",
        "Cache-Control: max-age=60, stale-while-revalidate=30 | Cache-Control: max-age=90  | 80  | STALE_WHILE_REVALIDATE",
        "Cache-Control: max-age=60, stale-while-revalidate=30, must-revalidate^ETag: \"a\" | - | 80 | REVALIDATE",
        "Cache-Control: s-maxage=60, stale-while-revalidate=30 | -                      | 80     | UNUSABLE",
        // no-cache entries are never used unvalidated
        "Cache-Control: no-cache^ETag: \"a\"              | -                           | 0      | REVALIDATE",
        "Cache-Control: no-cache, max-age=600^ETag: \"a\" | Cache-Control: max-stale    | 1      | REVALIDATE",
        "Cache-Control: no-cache, max-age=600, stale-while-revalidate=60 | -            | 1      | UNUSABLE",
        // conforming freshness 0 with a validator: revalidated on every use
        "Cache-Control: max-age=0^ETag: \"a\"             | -                           | 0      | REVALIDATE",
    })
    void use(String response, String request, long seconds, Use expected) {
        assertThat(use(response, "GET", request, seconds)).isEqualTo(expected);
    }

    @Test
    void headUsesTheEntryLikeGetAndOtherMethodsNever() {
        assertThat(use("Cache-Control: max-age=60", "HEAD", null, 1)).isEqualTo(Use.FRESH);
        assertThat(use("Cache-Control: max-age=60^ETag: \"a\"", "POST", null, 1)).isEqualTo(Use.UNUSABLE);
    }

    @Test
    void theConfiguredStaleWhileRevalidateAppliesWhenTheResponseNamesNone() {
        CachePolicy swr = new CachePolicy(config(Duration.ofSeconds(60), false, false, false, Duration.ofSeconds(30),
                Duration.ZERO));
        CacheEntry entry = stored(swr, "Cache-Control: max-age=60");
        assertThat(swr.use(entry, swr.plan("GET", cell(null)), T0 + 85 * SECOND))
                .isEqualTo(Use.STALE_WHILE_REVALIDATE);
        assertThat(swr.use(entry, swr.plan("GET", cell(null)), T0 + 95 * SECOND)).isEqualTo(Use.UNUSABLE);
    }
}
