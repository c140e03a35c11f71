package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cache-Control parsing (RFC 9111 §5.2): every directive, and robustness against odd input. */
class CacheControlTest {

    private static CacheControl cc(String... lines) {
        return CacheControl.parse(List.of(lines));
    }

    @Test
    void noFieldMeansNoDirectives() {
        CacheControl none = cc();
        assertThat(none).isEqualTo(CacheControl.NONE);
        assertThat(none.noStore()).isFalse();
        assertThat(none.maxAge()).isEqualTo(-1);
        assertThat(none.sMaxAge()).isEqualTo(-1);
        assertThat(none.maxStale()).isEqualTo(-1);
        assertThat(none.minFresh()).isEqualTo(-1);
        assertThat(none.staleWhileRevalidate()).isEqualTo(-1);
        assertThat(none.staleIfError()).isEqualTo(-1);
    }

    @Test
    void everyFlag() {
        CacheControl all = cc("no-store, no-cache, private, public, must-revalidate, proxy-revalidate",
                "must-understand, no-transform, only-if-cached, immutable");
        assertThat(all).isEqualTo(new CacheControl(true, true, true, true, true, true, true, true,
                -1, -1, -1, -1, true, -1, -1, true));
    }

    @Test
    void everyNumber() {
        CacheControl all = cc("max-age=1, s-maxage=2, max-stale=3, min-fresh=4, stale-while-revalidate=5, "
                + "stale-if-error=6");
        assertThat(List.of(all.maxAge(), all.sMaxAge(), all.maxStale(), all.minFresh(), all.staleWhileRevalidate(),
                all.staleIfError())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(all.noStore() || all.noCache() || all.isPrivate() || all.isPublic()).isFalse();
    }

    @Test
    void bareMaxStaleAcceptsAnyStaleness() {
        assertThat(cc("max-stale").maxStale()).isEqualTo(Long.MAX_VALUE);
        assertThat(cc("max-stale, max-stale").maxStale()).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest(name = "[{0}] max-age {1}")
    @CsvSource(delimiter = '|', value = {
        "max-age=60                         | 60",
        "MAX-AGE=60                         | 60",
        "Max-Age = 60                       | 60",
        "max-age=\"60\"                     | 60",
        "  ,, max-age=60 ,,                 | 60",
        "max-age=0060                       | 60",
        "max-age=60, max-age=60             | 60",
        "max-age=60, max-age=3600           | 0",
        "max-age=abc                        | 0",
        "max-age=-5                         | 0",
        "max-age=1.5                        | 0",
        "max-age=                           | 0",
        "max-age                            | 0",
        "max-age=60 junk                    | 0",
        "max-age=\"60                       | 0",
        "max-age=99999999999999999999999999 | 2147483648",
        "max-age=2147483648                 | 2147483648",
        "max-age=2147483647                 | 2147483647",
        "x-max-age=60                       | -1",
        "maxage=60                          | -1",
    })
    void maxAge(String value, long expected) {
        assertThat(cc(value).maxAge()).isEqualTo(expected);
    }

    @Test
    void conflictingDuplicatesAcrossLinesAreInvalid() {
        assertThat(cc("s-maxage=10", "s-maxage=20").sMaxAge()).isZero();
        assertThat(cc("max-stale=10", "max-stale").maxStale()).isZero();
        assertThat(cc("stale-while-revalidate=10, stale-while-revalidate=20").staleWhileRevalidate()).isZero();
        assertThat(cc("stale-if-error=10", "stale-if-error=30").staleIfError()).isZero();
    }

    @Test
    void minFreshKeepsItsMostDemandingValue() {
        assertThat(cc("min-fresh=10, min-fresh=30, min-fresh=20").minFresh()).isEqualTo(30);
        assertThat(cc("min-fresh=abc").minFresh()).isZero();
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
        "no-cache=\"Set-Cookie, X-Foo\"        | no-cache",
        "no-cache=Set-Cookie                   | no-cache",
        "private=\"Set-Cookie\"                | private",
        "PRIVATE                               | private",
        "No-Store                              | no-store",
    })
    void qualifiedFormsCountAsThePlainDirective(String value, String directive) {
        CacheControl c = cc(value);
        boolean set = switch (directive) {
            case "no-cache" -> c.noCache();
            case "private" -> c.isPrivate();
            default -> c.noStore();
        };
        assertThat(set).isTrue();
    }

    @Test
    void quotedArgumentsMayHoldCommasAndEscapes() {
        CacheControl c = cc("no-cache=\"a, max-age=5\", private=\"x\\\"y, z\", max-age=7");
        assertThat(c.noCache()).isTrue();
        assertThat(c.isPrivate()).isTrue();
        assertThat(c.maxAge()).isEqualTo(7);
    }

    @Test
    void unknownExtensionsAreIgnored() {
        CacheControl c = cc("community=\"UCI\", foo, bar=baz, max-age=5");
        assertThat(c).isEqualTo(cc("max-age=5"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"max-age", "s-maxage", "max-stale", "min-fresh", "stale-while-revalidate", "stale-if-error"})
    void everyNumericDirectiveCapsAt2To31(String name) {
        CacheControl c = cc(name + "=123456789012345678901234567890");
        ToLongFunction<CacheControl> get = switch (name) {
            case "max-age" -> CacheControl::maxAge;
            case "s-maxage" -> CacheControl::sMaxAge;
            case "max-stale" -> CacheControl::maxStale;
            case "min-fresh" -> CacheControl::minFresh;
            case "stale-while-revalidate" -> CacheControl::staleWhileRevalidate;
            default -> CacheControl::staleIfError;
        };
        assertThat(get.applyAsLong(c)).isEqualTo(1L << 31);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {"''", "','", "'=5'", "'\"'", "' ,\t, '", "'=, =='"})
    void garbageYieldsNoDirectives(String value) {
        assertThat(cc(value)).isEqualTo(CacheControl.NONE);
    }
}
