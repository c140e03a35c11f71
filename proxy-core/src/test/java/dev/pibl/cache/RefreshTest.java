package dev.pibl.cache;

import static dev.pibl.cache.PolicyFixtures.SECOND;
import static dev.pibl.cache.PolicyFixtures.T0;
import static dev.pibl.cache.PolicyFixtures.date;
import static dev.pibl.cache.PolicyFixtures.headers;
import static dev.pibl.cache.PolicyFixtures.list;
import static dev.pibl.cache.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A 304 that validated a stored entry updates it (RFC 9111 §4.3.4). The entry is stored at T0, refreshed at T1. */
class RefreshTest {

    private static final long T1 = T0 + 120 * SECOND;
    private static final CachePolicy POLICY = policy();

    private static CacheEntry stale(String... lines) {
        return POLICY.entry("example.com/x", headers(), 200, "OK", headers(lines), T0, T0, 5);
    }

    @Test
    void the304sFieldsReplaceTheStoredOnesInPlaceAndNewOnesGoLast() {
        CacheEntry stale = stale(date(T0), "Cache-Control: max-age=60", "ETag: \"v1\"", "Content-Length: 5",
                "Link: </a>", "Link: </b>", "X-A: 1", "Vary: Accept");
        CacheEntry fresh = POLICY.refreshed(stale, headers(date(T1), "ETag: \"v2\"", "Link: </c>",
                "Cache-Control: max-age=300", "X-B: 2"), T1 - 2 * SECOND, T1);
        assertThat(fresh.headers()).isEqualTo(list(date(T1), "Cache-Control: max-age=300", "ETag: \"v2\"",
                "Content-Length: 5", "Link: </c>", "X-A: 1", "Vary: Accept", "X-B: 2"));
        assertThat(fresh.etag()).isEqualTo("\"v2\"");
        assertThat(fresh.freshness()).isEqualTo(300 * SECOND);
        assertThat(fresh.requestTime()).isEqualTo(T1 - 2 * SECOND);
        assertThat(fresh.responseTime()).isEqualTo(T1);
        assertThat(fresh.initialAge()).isEqualTo(2 * SECOND);
        assertThat(fresh.isFresh(T1 + 297 * SECOND)).isTrue();
        assertThat(fresh.keepUntil()).isEqualTo(T1 - 2 * SECOND + 300 * SECOND + 600 * SECOND);
    }

    @Test
    void keepsWhatTheStoredBodyAndKeyDependOn() {
        CacheEntry stale = stale(date(T0), "Cache-Control: max-age=60", "ETag: \"v1\"", "Content-Length: 5",
                "Vary: Accept");
        CacheEntry fresh = POLICY.refreshed(stale, headers(date(T1), "Content-Length: 0", "Vary: Accept-Language",
                "Connection: X-Hop", "X-Hop: 1", "Keep-Alive: timeout=5", "Age: 10", "Set-Cookie: s=1",
                "Proxy-Authenticate: Basic", "CDN-Cache-Control: max-age=900"), T1, T1);
        assertThat(fresh.headers()).isEqualTo(list(date(T1), "Cache-Control: max-age=60", "ETag: \"v1\"",
                "Content-Length: 5", "Vary: Accept"));
        assertThat(fresh.key()).isEqualTo("example.com/x");
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.reason()).isEqualTo("OK");
        assertThat(fresh.bodyLength()).isEqualTo(5);
        assertThat(fresh.varyNames()).containsExactly("accept");
        // The 304's Age and targeted field still count: they are read, not stored.
        assertThat(fresh.initialAge()).isEqualTo(10 * SECOND);
        assertThat(fresh.freshness()).isEqualTo(900 * SECOND);
    }

    @Test
    void withoutFreshnessInThe304TheStoredDirectivesRunAgainFromNow() {
        CacheEntry stale = stale(date(T0), "Cache-Control: max-age=60, must-revalidate", "ETag: \"v1\"");
        assertThat(stale.isFresh(T1)).isFalse();
        CacheEntry fresh = POLICY.refreshed(stale, headers("ETag: \"v1\""), T1, T1);
        assertThat(fresh.isFresh(T1 + 59 * SECOND)).isTrue();
        assertThat(fresh.mustRevalidate()).isTrue();
        // A 304 without Date is dated when it arrived (RFC 9110 §6.6.1), not by the stored Date.
        assertThat(fresh.headers()).contains(new Header("Date", HttpDates.format(T1)));
        assertThat(fresh.headers()).doesNotContain(new Header("Date", HttpDates.format(T0)));
    }

    @Test
    void anExpiresInThePastStaysInThePast() {
        CacheEntry stale = stale(date(T0), "Expires: " + HttpDates.format(T0 + 60 * SECOND), "ETag: \"v1\"");
        CacheEntry fresh = POLICY.refreshed(stale, headers(date(T1)), T1, T1);
        assertThat(fresh.freshness()).isZero();
    }

    @Test
    void validatorsAndFlagsComeFromTheMergedFields() {
        CacheEntry stale = stale(date(T0), "Cache-Control: max-age=60", "ETag: \"v1\"");
        CacheEntry fresh = POLICY.refreshed(stale, headers(date(T1), "Cache-Control: no-cache",
                "Last-Modified: Sun, 01 Mar 2026 11:00:00 GMT"), T1, T1);
        assertThat(fresh.noCache()).isTrue();
        assertThat(fresh.etag()).isEqualTo("\"v1\"");
        assertThat(fresh.lastModified()).isEqualTo("Sun, 01 Mar 2026 11:00:00 GMT");
    }

    @Test
    void a304ThatNowForbidsStoringLeavesAnEntryToValidateAndDrop() {
        CacheEntry stale = stale(date(T0), "Cache-Control: max-age=60, stale-if-error=600", "ETag: \"v1\"");
        for (String forbid : new String[] {"no-store", "private"}) {
            CacheEntry fresh = POLICY.refreshed(stale, headers(date(T1), "Cache-Control: max-age=60, " + forbid),
                    T1, T1);
            assertThat(fresh.noCache()).as(forbid).isTrue();
            assertThat(fresh.freshness()).as(forbid).isZero();
            assertThat(fresh.staleIfError()).as(forbid).isZero();
            assertThat(fresh.keepUntil()).as(forbid).isEqualTo(T1);
        }
    }
}
