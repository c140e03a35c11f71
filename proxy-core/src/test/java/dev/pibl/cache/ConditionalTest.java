package dev.pibl.cache;

import static dev.pibl.cache.PolicyFixtures.NO_HEADERS;
import static dev.pibl.cache.PolicyFixtures.T0;
import static dev.pibl.cache.PolicyFixtures.cell;
import static dev.pibl.cache.PolicyFixtures.headers;
import static dev.pibl.cache.PolicyFixtures.policy;
import static dev.pibl.cache.PolicyFixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When the cache may answer a client's conditional GET with 304 itself (RFC 9110 §13.2.2, RFC 9111 §4.3.2). */
class ConditionalTest {

    private static final String LAST_MODIFIED = "Sun, 01 Mar 2026 11:00:00 GMT";

    @ParameterizedTest(name = "stored [{0}], request [{1}]: {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // If-None-Match, weak comparison
        "ETag: \"v1\"                | If-None-Match: \"v1\"                      | true",
        "ETag: \"v1\"                | If-None-Match: W/\"v1\"                    | true",
        "ETag: W/\"v1\"              | If-None-Match: \"v1\"                      | true",
        "ETag: W/\"v1\"              | If-None-Match: W/\"v1\"                    | true",
        "ETag: \"v1\"                | If-None-Match: \"v2\"                      | false",
        "ETag: \"v1\"                | If-None-Match: \"V1\"                      | false",
        "ETag: \"v1\"                | If-None-Match: \"v2\", W/\"v1\"            | true",
        "ETag: \"v1\"                | If-None-Match: \"v2\"^If-None-Match: \"v1\" | true",
        "ETag: \"v1\"                | If-None-Match: \"v2\",\"v1\"               | true",
        "ETag: \"a,b\"               | If-None-Match: \"x\", \"a,b\"              | true",
        "ETag: \"b\"                 | If-None-Match: \"a,b\"                     | false",
        "ETag: \"v1\"                | If-None-Match: \"v1                        | false",
        "-                           | If-None-Match: \"v1\"                      | false",
        // * matches any stored response
        "ETag: \"v1\"                | If-None-Match: *                           | true",
        "-                           | If-None-Match: *                           | true",
        // If-None-Match decides alone: If-Modified-Since is then ignored
        "ETag: \"v1\"^Last-Modified: " + LAST_MODIFIED + " | If-None-Match: \"v2\"^If-Modified-Since: " + LAST_MODIFIED + " | false",
        // If-Modified-Since
        "Last-Modified: " + LAST_MODIFIED + " | If-Modified-Since: " + LAST_MODIFIED + "      | true",
        "Last-Modified: " + LAST_MODIFIED + " | If-Modified-Since: Sun, 01 Mar 2026 11:00:01 GMT | true",
        "Last-Modified: " + LAST_MODIFIED + " | If-Modified-Since: Sun, 01 Mar 2026 10:59:59 GMT | false",
        "Last-Modified: " + LAST_MODIFIED + " | If-Modified-Since: Sunday, 01-Mar-26 11:00:00 GMT | true",
        "Last-Modified: " + LAST_MODIFIED + " | If-Modified-Since: yesterday                    | false",
        // without Last-Modified, the stored Date stands in (here T0, 12:00)
        "ETag: \"v1\"                | If-Modified-Since: Sun, 01 Mar 2026 12:00:00 GMT | true",
        "ETag: \"v1\"                | If-Modified-Since: " + LAST_MODIFIED + "        | false",
        // no conditional
        "ETag: \"v1\"^Last-Modified: " + LAST_MODIFIED + " | -                          | false",
    })
    void notModified(String response, String request, boolean expected) {
        CacheEntry entry = stored(policy(), response == null ? new String[0] : response.split("\\^"));
        assertThat(CachePolicy.notModified(cell(request), entry)).isEqualTo(expected);
    }

    @Test
    void onlyASuccessfulResponseCanBeNotModified() {
        CacheEntry notFound = policy().entry("k", NO_HEADERS, 404, "Not Found",
                headers("Cache-Control: max-age=60", "ETag: \"v1\""), T0, T0, 0);
        assertThat(CachePolicy.notModified(headers("If-None-Match: *"), notFound)).isFalse();
        assertThat(CachePolicy.notModified(headers("If-None-Match: \"v1\""), notFound)).isFalse();
    }
}
