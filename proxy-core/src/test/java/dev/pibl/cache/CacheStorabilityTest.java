package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Responses a shared cache must not store (RFC 9111 §3), each seen end to end: the second GET is a miss too. */
class CacheStorabilityTest {

    @TempDir
    Path dir;

    static Stream<Arguments> notStored() {
        return Stream.of(
                Arguments.of("no-store", new String[] {"Cache-Control", "no-store"}, new String[0], "no-store"),
                Arguments.of("private", new String[] {"Cache-Control", "private, max-age=60"}, new String[0], "private"),
                Arguments.of("Set-Cookie", new String[] {"Cache-Control", "max-age=60", "Set-Cookie", "s=1"}, new String[0],
                        "set-cookie"),
                Arguments.of("Vary: *", new String[] {"Cache-Control", "max-age=60", "Vary", "*"}, new String[0],
                        "vary-star"),
                Arguments.of("Authorization without public", new String[] {"Cache-Control", "max-age=60"},
                        new String[] {"Authorization", "Bearer x"}, "authorization"),
                Arguments.of("request no-store", new String[] {"Cache-Control", "max-age=60"},
                        new String[] {"Cache-Control", "no-store"}, "no-store"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notStored")
    void isNotStored(String name, String[] responseHeaders, String[] requestHeaders, String reason) throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/x", 200, "x", responseHeaders);

            RawHttp.Response first = f.get("/x", requestHeaders);
            RawHttp.Response second = f.get("/x", requestHeaders);

            assertThat(first.header("Cache-Status")).contains("detail=" + reason);
            assertThat(second.header("X-Cache")).isEqualTo("MISS");
            assertThat(f.origin.hits("/x")).isEqualTo(2);
        }
    }

    static Stream<Arguments> statuses() {
        return Stream.of(Arguments.of(500, false), Arguments.of(503, false), Arguments.of(206, false),
                Arguments.of(302, false), Arguments.of(301, true), Arguments.of(200, true));
    }

    @ParameterizedTest(name = "status {0} stored: {1}")
    @MethodSource("statuses")
    void statusDecidesUnderTheDefaultTtl(int status, boolean stored) throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/s", status, "s", "Location", "/elsewhere");
            f.get("/s");

            assertThat(f.get("/s").header("X-Cache")).isEqualTo(stored ? "HIT" : "MISS");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("authorizationAllowed")
    void authorizedResponsesMayBeStoredWhenTheOriginSaysSo(String cacheControl) throws Exception {
        try (CacheFixture f = CacheFixture.start(dir)) {
            f.origin.on("/a", 200, "a", "Cache-Control", cacheControl);
            f.get("/a", "Authorization", "Bearer x");

            assertThat(f.get("/a", "Authorization", "Bearer x").header("X-Cache")).isEqualTo("HIT");
        }
    }

    static Stream<String> authorizationAllowed() {
        return Stream.of("public, max-age=60", "s-maxage=60", "max-age=60, must-revalidate");
    }
}
