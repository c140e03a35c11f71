package dev.pibl.cache;

import static dev.pibl.cache.PolicyFixtures.cell;
import static dev.pibl.cache.PolicyFixtures.config;
import static dev.pibl.cache.PolicyFixtures.conforming;
import static dev.pibl.cache.PolicyFixtures.defaults;
import static dev.pibl.cache.PolicyFixtures.headers;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which responses may be stored (RFC 9111 §3), and the reason given for each that may not. */
class CachePolicyStorableTest {

    private static final CachePolicy DEFAULTS = new CachePolicy(defaults());
    private static final CachePolicy CONFORMING = new CachePolicy(conforming());

    @ParameterizedTest(name = "{0} {2} [{3}] with request [{1}] ({4}): {5}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // method and status
        "POST | -                 | 200 | Cache-Control: max-age=60                         | defaults   | method",
        "HEAD | -                 | 200 | Cache-Control: max-age=60                         | defaults   | method",
        "get  | -                 | 200 | Cache-Control: max-age=60                         | defaults   | method",
        "GET  | -                 | 206 | Cache-Control: max-age=60                         | defaults   | status",
        "GET  | -                 | 304 | Cache-Control: max-age=60                         | defaults   | status",
        "GET  | -                 | 100 | Cache-Control: max-age=60                         | defaults   | status",
        "GET  | -                 | 500 | Cache-Control: max-age=60                         | defaults   | status",
        "GET  | -                 | 201 | Cache-Control: max-age=60                         | defaults   | status",
        "GET  | -                 | 302 | -                                                 | defaults   | status",
        "GET  | -                 | 307 | Cache-Control: public^ETag: \"a\"                 | defaults   | status",
        "GET  | -                 | 403 | ETag: \"a\"                                       | defaults   | status",
        "GET  | -                 | 206 | Cache-Control: max-age=60, no-store, must-understand | defaults | status",
        // no-store, private
        "GET  | -                 | 200 | Cache-Control: max-age=60, no-store               | defaults   | no-store",
        "GET  | -                 | 200 | Cache-Control: max-age=60^Cache-Control: NO-STORE | defaults   | no-store",
        "GET  | Cache-Control: no-store | 200 | Cache-Control: max-age=60                   | defaults   | no-store",
        "GET  | -                 | 200 | Cache-Control: private, max-age=60                | defaults   | private",
        "GET  | -                 | 200 | Cache-Control: private=\"Set-Cookie\", max-age=60 | defaults   | private",
        // Authorization (§3.5)
        "GET  | Authorization: Basic eA== | 200 | Cache-Control: max-age=60                 | defaults   | authorization",
        "GET  | Authorization: Basic eA== | 200 | -                                         | defaults   | authorization",
        "GET  | Authorization: Basic eA== | 200 | Cache-Control: proxy-revalidate, max-age=60 | defaults | authorization",
        // Set-Cookie, Vary
        "GET  | -                 | 200 | Cache-Control: max-age=60^Set-Cookie: a=b; Path=/ | defaults   | set-cookie",
        "GET  | -                 | 200 | Cache-Control: max-age=60^Vary: *                 | defaults   | vary-star",
        "GET  | -                 | 200 | Cache-Control: max-age=60^Vary: Accept, *         | defaults   | vary-star",
        "GET  | -                 | 200 | Cache-Control: max-age=60^Vary: Accept^Vary: *    | defaults   | vary-star",
        // nothing would ever make it reusable
        "GET  | -                 | 200 | -                                                 | conforming | no-freshness",
        "GET  | -                 | 404 | -                                                 | defaults   | no-freshness",
        "GET  | -                 | 200 | Cache-Control: max-age=0                          | defaults   | no-freshness",
        "GET  | -                 | 200 | Cache-Control: no-cache                           | defaults   | no-freshness",
        "GET  | -                 | 200 | Cache-Control: max-age=600, no-cache              | defaults   | no-freshness",
        "GET  | -                 | 200 | Date: Sun, 01 Mar 2026 12:00:00 GMT^Expires: Thu, 01 Jan 1970 00:00:00 GMT | defaults | no-freshness",
        "GET  | -                 | 200 | Expires: 0                                        | conforming | no-freshness",
        "GET  | -                 | 200 | Cache-Control: max-age=0, must-revalidate, stale-if-error=60 | defaults | no-freshness",
        "GET  | -                 | 200 | Cache-Control: s-maxage=0, stale-while-revalidate=60 | defaults | no-freshness",
        "GET  | -                 | 200 | ETag:                                             | conforming | no-freshness",
        "GET  | -                 | 200 | Last-Modified: yesterday                          | conforming | no-freshness",
    })
    void notStorable(String method, String request, int status, String response, String config, String reason) {
        CachePolicy policy = config.equals("conforming") ? CONFORMING : DEFAULTS;
        assertThat(policy.notStorable(method, cell(request), status, cell(response))).isEqualTo(reason);
    }

    @ParameterizedTest(name = "{1} [{2}] with request [{0}] ({3})")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "-                         | 200 | Cache-Control: max-age=60                          | defaults",
        "-                         | 200 | -                                                  | defaults",
        "-                         | 203 | -                                                  | defaults",
        "-                         | 204 | -                                                  | defaults",
        "-                         | 300 | -                                                  | defaults",
        "-                         | 301 | -                                                  | defaults",
        "-                         | 308 | -                                                  | defaults",
        "-                         | 404 | Cache-Control: max-age=60                          | defaults",
        "-                         | 405 | ETag: \"a\"                                        | conforming",
        "-                         | 410 | Last-Modified: Sun, 01 Mar 2026 11:00:00 GMT       | conforming",
        "-                         | 414 | Cache-Control: max-age=60                          | conforming",
        "-                         | 501 | Cache-Control: max-age=60                          | conforming",
        "-                         | 302 | Cache-Control: max-age=60                          | defaults",
        "-                         | 303 | Cache-Control: s-maxage=60                         | defaults",
        "-                         | 307 | Expires: Thu, 01 Jan 2099 00:00:00 GMT             | defaults",
        "-                         | 403 | Cache-Control: max-age=0^ETag: \"a\"               | defaults",
        "-                         | 200 | ETag: \"a\"                                        | conforming",
        "-                         | 200 | Expires: Thu, 01 Jan 2099 00:00:00 GMT             | conforming",
        "-                         | 200 | Cache-Control: max-age=0, stale-if-error=60        | conforming",
        "-                         | 200 | Cache-Control: no-cache^ETag: W/\"a\"              | conforming",
        "-                         | 200 | Cache-Control: no-store, must-understand, max-age=9 | defaults",
        "-                         | 200 | Cache-Control: max-age=60^Vary: Accept-Encoding    | defaults",
        "-                         | 200 | Cache-Control: no-cache=\"Set-Cookie\"^ETag: \"a\" | defaults",
        "Authorization: Basic eA== | 200 | Cache-Control: public                              | defaults",
        "Authorization: Basic eA== | 200 | Cache-Control: s-maxage=60                         | defaults",
        "Authorization: Basic eA== | 200 | Cache-Control: must-revalidate, max-age=60         | defaults",
        "Cache-Control: no-cache   | 200 | Cache-Control: max-age=60                          | defaults",
    })
    void storable(String request, int status, String response, String config) {
        CachePolicy policy = config.equals("conforming") ? CONFORMING : DEFAULTS;
        assertThat(policy.notStorable("GET", cell(request), status, cell(response))).isNull();
    }

    @Test
    void storeSetCookieLetsCookiesBeStored() {
        CachePolicy policy = new CachePolicy(config(Duration.ofSeconds(60), false, false, true, Duration.ZERO,
                Duration.ZERO));
        assertThat(policy.notStorable("GET", cell(null), 200, headers("Set-Cookie: a=b"))).isNull();
    }

    @Test
    void aValidTargetedFieldReplacesCacheControlAndExpires() {
        assertThat(DEFAULTS.notStorable("GET", cell(null), 200,
                headers("Cache-Control: no-store", "CDN-Cache-Control: max-age=600"))).isNull();
        assertThat(DEFAULTS.notStorable("GET", cell(null), 200,
                headers("Cache-Control: max-age=60", "PIBL-Cache-Control: private"))).isEqualTo("private");
        assertThat(DEFAULTS.notStorable("GET", cell(null), 302,
                headers("CDN-Cache-Control: public", "Expires: Thu, 01 Jan 2099 00:00:00 GMT"))).isEqualTo("status");
    }

    @Test
    void anInvalidTargetedFieldIsIgnored() {
        assertThat(DEFAULTS.notStorable("GET", cell(null), 200,
                headers("Cache-Control: no-store", "CDN-Cache-Control: Max-Age=600"))).isEqualTo("no-store");
        assertThat(DEFAULTS.notStorable("GET", cell(null), 200,
                headers("Cache-Control: no-store", "CDN-Cache-Control: "))).isEqualTo("no-store");
    }

    @Test
    void aLastModifiedThatIsNotADateIsNeitherValidatorNorHeuristic() {
        CachePolicy heuristic = new CachePolicy(config(Duration.ZERO, false, true, false, Duration.ZERO,
                Duration.ZERO));
        assertThat(heuristic.notStorable("GET", cell(null), 200, headers("Last-Modified: soon")))
                .isEqualTo("no-freshness");
    }

    @Test
    void aStaleWindowAloneMakesAResponseReusable() {
        assertThat(CONFORMING.notStorable("GET", cell(null), 200, headers("Cache-Control: stale-while-revalidate=5")))
                .isNull();
        CachePolicy windows = new CachePolicy(config(Duration.ZERO, false, false, false, Duration.ZERO,
                Duration.ofMinutes(1)));
        assertThat(windows.notStorable("GET", cell(null), 200, cell(null))).isNull();
    }
}
