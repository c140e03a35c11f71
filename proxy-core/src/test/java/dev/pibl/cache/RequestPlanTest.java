package dev.pibl.cache;

import static dev.pibl.cache.PolicyFixtures.cell;
import static dev.pibl.cache.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.cache.CachePolicy.RequestPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a request asks of the cache (RFC 9111 §5.2.1, §5.4). */
class RequestPlanTest {

    private static final long ANY = Long.MAX_VALUE;

    @ParameterizedTest(name = "{0} [{1}]")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // method | request                                   | lookup | bypass | revalidate | maxAge | maxStale | minFresh | onlyIfCached | noStore | staleIfError
        "GET  | -                                               | true  | -      | false | -1    | -1    | -1   | false | false | -1",
        "HEAD | -                                               | true  | -      | false | -1    | -1    | -1   | false | false | -1",
        "POST | -                                               | false | method | false | -1    | -1    | -1   | false | false | -1",
        "get  | -                                               | false | method | false | -1    | -1    | -1   | false | false | -1",
        "PURGE | -                                              | false | method | false | -1    | -1    | -1   | false | false | -1",
        "GET  | Cache-Control: no-cache                         | true  | -      | true  | -1    | -1    | -1   | false | false | -1",
        "GET  | Cache-Control: max-age=0                        | true  | -      | true  | 0     | -1    | -1   | false | false | -1",
        "GET  | Cache-Control: max-age=5                        | true  | -      | false | 5000  | -1    | -1   | false | false | -1",
        "GET  | Cache-Control: max-age=abc                      | true  | -      | true  | 0     | -1    | -1   | false | false | -1",
        "GET  | Pragma: no-cache                                | true  | -      | true  | -1    | -1    | -1   | false | false | -1",
        "GET  | Pragma: x-foo, NO-CACHE                         | true  | -      | true  | -1    | -1    | -1   | false | false | -1",
        "GET  | Pragma: no-cache^Cache-Control: max-age=5       | true  | -      | false | 5000  | -1    | -1   | false | false | -1",
        "GET  | Pragma: no-cache^Cache-Control: x-unknown       | true  | -      | false | -1    | -1    | -1   | false | false | -1",
        "GET  | Cache-Control: max-stale=10                     | true  | -      | false | -1    | 10000 | -1   | false | false | -1",
        "GET  | Cache-Control: min-fresh=5                      | true  | -      | false | -1    | -1    | 5000 | false | false | -1",
        "GET  | Cache-Control: only-if-cached                   | true  | -      | false | -1    | -1    | -1   | true  | false | -1",
        "GET  | Cache-Control: no-store                         | true  | -      | false | -1    | -1    | -1   | false | true  | -1",
        "GET  | Cache-Control: stale-if-error=30                | true  | -      | false | -1    | -1    | -1   | false | false | 30000",
        "GET  | Authorization: Bearer x                         | true  | -      | false | -1    | -1    | -1   | false | false | -1",
    })
    void plan(String method, String request, boolean lookup, String bypass, boolean revalidate, long maxAge,
            long maxStale, long minFresh, boolean onlyIfCached, boolean noStore, long staleIfError) {
        assertThat(policy().plan(method, cell(request))).isEqualTo(new RequestPlan(lookup, bypass, revalidate, maxAge,
                maxStale, minFresh, onlyIfCached, noStore, staleIfError));
    }

    @Test
    void bareMaxStaleAcceptsAnyStaleness() {
        assertThat(policy().plan("GET", cell("Cache-Control: max-stale")).maxStale()).isEqualTo(ANY);
    }

    @Test
    void theShortConstructorHasNoRequestStaleIfError() {
        RequestPlan plan = new RequestPlan(true, null, false, -1, -1, -1, false, false);
        assertThat(plan.staleIfError()).isEqualTo(-1);
        assertThat(plan).isEqualTo(policy().plan("GET", cell(null)));
    }
}
