package dev.pibl.cache;

import static dev.pibl.cache.PolicyFixtures.SECOND;
import static dev.pibl.cache.PolicyFixtures.T0;
import static dev.pibl.cache.PolicyFixtures.cell;
import static dev.pibl.cache.PolicyFixtures.config;
import static dev.pibl.cache.PolicyFixtures.policy;
import static dev.pibl.cache.PolicyFixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whether a stored entry may answer when the backends fail (RFC 5861 §4, RFC 9111 §4.2.4). */
class StaleIfErrorTest {

    private static boolean staleIfError(CachePolicy policy, String response, String request, long seconds) {
        CacheEntry entry = stored(policy, response.split("\\^"));
        return policy.staleIfError(entry, policy.plan("GET", cell(request)), T0 + seconds * SECOND);
    }

    @ParameterizedTest(name = "[{0}] asked [{1}] after {2} s: {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "Cache-Control: max-age=60                          | -                                | 30      | true",
        "Cache-Control: max-age=60                          | Cache-Control: no-cache          | 30      | true",
        "Cache-Control: max-age=60                          | -                                | 60      | false",
        "Cache-Control: max-age=60                          | -                                | 61      | false",
        "Cache-Control: max-age=60, stale-if-error=30       | -                                | 90      | true",
        "Cache-Control: max-age=60, stale-if-error=30       | -                                | 91      | false",
        "Cache-Control: max-age=60, stale-while-revalidate=30 | -                              | 61      | false",
        "Cache-Control: max-age=60                          | Cache-Control: stale-if-error=100 | 160    | true",
        "Cache-Control: max-age=60                          | Cache-Control: stale-if-error=100 | 161    | false",
        "Cache-Control: max-age=60                          | Cache-Control: max-stale=100     | 160     | true",
        "Cache-Control: max-age=60                          | Cache-Control: max-stale         | 9999999 | true",
        "Cache-Control: max-age=60, stale-if-error=30, must-revalidate | -                     | 61      | false",
        "Cache-Control: max-age=60, stale-if-error=30, proxy-revalidate | Cache-Control: max-stale | 61  | false",
        "Cache-Control: s-maxage=60, stale-if-error=30      | -                                | 61      | false",
        "Cache-Control: s-maxage=60, stale-if-error=30      | -                                | 30      | false",
        "Cache-Control: no-cache, stale-if-error=30^ETag: \"a\" | -                            | 1       | false",
    })
    void staleIfError(String response, String request, long seconds, boolean allowed) {
        assertThat(staleIfError(policy(), response, request, seconds)).isEqualTo(allowed);
    }

    @Test
    void theConfiguredWindowAppliesWhenTheResponseNamesNone() {
        CachePolicy sie = new CachePolicy(config(Duration.ofSeconds(60), false, false, false, Duration.ZERO,
                Duration.ofMinutes(5)));
        assertThat(staleIfError(sie, "Cache-Control: max-age=60", null, 360)).isTrue();
        assertThat(staleIfError(sie, "Cache-Control: max-age=60", null, 361)).isFalse();
        assertThat(staleIfError(sie, "Cache-Control: max-age=60, stale-if-error=0", null, 61)).isFalse();
    }
}
