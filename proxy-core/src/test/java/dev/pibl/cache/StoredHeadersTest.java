package dev.pibl.cache;

import static dev.pibl.cache.PolicyFixtures.T0;
import static dev.pibl.cache.PolicyFixtures.config;
import static dev.pibl.cache.PolicyFixtures.date;
import static dev.pibl.cache.PolicyFixtures.list;
import static dev.pibl.cache.PolicyFixtures.policy;
import static dev.pibl.cache.PolicyFixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fields a stored entry replays (RFC 9111 §3.1), and which ones PIBL hides from clients (RFC 9213). */
class StoredHeadersTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding",
        "Upgrade", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Authentication-Info", "Age",
        "CDN-Cache-Control", "PIBL-Cache-Control", "pibl-cache-control", "Set-Cookie", "X-Named"})
    void dropsWhatMustNotBeReplayed(String name) {
        CacheEntry e = stored(policy(), date(T0), "X-First: 1", name + ": v", "Connection: x-named",
                "Cache-Control: max-age=60", "X-Last: 2");
        assertThat(e.headers()).isEqualTo(list(date(T0), "X-First: 1", "Cache-Control: max-age=60", "X-Last: 2"));
    }

    @Test
    void keepsEverythingElseInOrderWithRepeatedLines() {
        CacheEntry e = stored(policy(), "Content-Type: text/html", date(T0), "Content-Length: 42", "Vary: Accept",
                "Link: </a>; rel=preload", "Link: </b>; rel=preload", "ETag: \"x\"", "Cache-Control: max-age=60",
                "Expires: Thu, 01 Jan 2099 00:00:00 GMT");
        assertThat(e.headers()).isEqualTo(list("Content-Type: text/html", date(T0), "Content-Length: 42",
                "Vary: Accept", "Link: </a>; rel=preload", "Link: </b>; rel=preload", "ETag: \"x\"",
                "Cache-Control: max-age=60", "Expires: Thu, 01 Jan 2099 00:00:00 GMT"));
    }

    @Test
    void contentLengthStaysEvenWhenConnectionNamesIt() {
        CacheEntry e = stored(policy(), date(T0), "Content-Length: 5", "Connection: close, Content-Length, X-A",
                "X-A: 1");
        assertThat(e.headers()).isEqualTo(list(date(T0), "Content-Length: 5"));
    }

    @Test
    void setCookieIsKeptWhenConfigured() {
        CachePolicy cookies = new CachePolicy(config(Duration.ofSeconds(60), false, false, true, Duration.ZERO,
                Duration.ZERO));
        CacheEntry e = stored(cookies, date(T0), "Set-Cookie: a=1", "Set-Cookie: b=2");
        assertThat(e.headers()).isEqualTo(list(date(T0), "Set-Cookie: a=1", "Set-Cookie: b=2"));
    }

    @Test
    void aResponseWithoutDateGetsOneForWhenItArrived() {
        CacheEntry e = stored(policy(), "Cache-Control: max-age=60");
        assertThat(e.headers()).isEqualTo(list("Cache-Control: max-age=60", "Date: Sun, 01 Mar 2026 12:00:00 GMT"));
    }

    @Test
    void hidesTheTargetedFieldsItConsumes() {
        CachePolicy policy = policy();
        assertThat(policy.hideFromClient("CDN-Cache-Control")).isTrue();
        assertThat(policy.hideFromClient("cdn-cache-control")).isTrue();
        assertThat(policy.hideFromClient("PIBL-Cache-Control")).isTrue();
        assertThat(policy.hideFromClient("Cache-Control")).isFalse();
        assertThat(policy.hideFromClient("Acme-Cache-Control")).isFalse();
    }
}
