package dev.pibl.cache;

import static dev.pibl.cache.PolicyFixtures.cell;
import static dev.pibl.cache.PolicyFixtures.headers;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** URL keys (RFC 9111 §2) and variant keys (§4.1): matching requests share a key, others do not. */
class VaryTest {

    private static final List<String> ENCODING = List.of("accept-encoding");

    private static String key(List<String> names, String request) {
        return CachePolicy.variantKey("example.com/x", names, cell(request));
    }

    @Test
    void withoutVaryTheUrlKeyIsTheKey() {
        assertThat(CachePolicy.variantKey("example.com/x", List.of(), headers("Accept: a"))).isEqualTo("example.com/x");
    }

    @Test
    void theValuesFollowTheUrlKeyAfterASeparatorNoUrlKeyHolds() {
        assertThat(key(ENCODING, "Accept-Encoding: gzip")).isEqualTo("example.com/x\u0000=gzip");
        assertThat(key(List.of("accept", "x-tenant"), "X-Tenant: t1^Accept: a"))
                .isEqualTo("example.com/x\u0000=a\u0001=t1");
    }

    @ParameterizedTest(name = "[{0}] matches [{1}]")
    @CsvSource(delimiter = '|', value = {
        "Accept-Encoding: gzip, br        | Accept-Encoding: gzip,br",
        "Accept-Encoding: gzip, br        | Accept-Encoding: gzip ,\t br",
        "Accept-Encoding: gzip, br        | Accept-Encoding: gzip^Accept-Encoding: br",
        "Accept-Encoding: gzip, br        | accept-ENCODING:  gzip, br  ",
        "Accept-Encoding: gzip, br        | Accept-Encoding: gzip,, br,",
        "Accept-Encoding: gzip, br        | Accept-Encoding: gzip^Accept-Encoding: ^Accept-Encoding: br",
        "Accept-Encoding: gzip            | Accept-Encoding: gzip^X-Other: 1",
    })
    void requestsThatMatchShareAKey(String a, String b) {
        assertThat(key(ENCODING, a)).isEqualTo(key(ENCODING, b));
    }

    @ParameterizedTest(name = "[{0}] differs from [{1}]")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "Accept-Encoding: gzip, br        | Accept-Encoding: br, gzip",
        "Accept-Encoding: gzip            | Accept-Encoding: GZIP",
        "Accept-Encoding: gzip            | -",
        "Accept-Encoding:                 | -",
        "Accept-Encoding: a=\"x , y\"     | Accept-Encoding: a=\"x, y\"",
        "Accept-Encoding: g zip           | Accept-Encoding: gzip",
    })
    void requestsThatDoNotMatchDoNot(String a, String b) {
        assertThat(key(ENCODING, a)).isNotEqualTo(key(ENCODING, b));
    }

    @Test
    void absentAndEmptyFieldsStayApartAcrossSeveralNames() {
        List<String> two = List.of("accept", "accept-language");
        assertThat(key(two, "Accept: a")).isNotEqualTo(key(two, "Accept-Language: a"));
        assertThat(key(two, "Accept: ")).isNotEqualTo(key(two, "Accept-Language: "));
        assertThat(key(two, null)).isNotEqualTo(key(two, "Accept: "));
    }

    @Test
    void aValueCannotForgeTheSeparatorsOfAnotherVariant() {
        List<String> two = List.of("accept", "accept-language");
        String honest = key(two, "Accept: a^Accept-Language: b");
        String forged = CachePolicy.variantKey("example.com/x", two,
                HeaderView.of(List.of(new Header("Accept", "a\u0001=b"))));
        assertThat(forged).isNotEqualTo(honest);
        // Escaping the escape character too: a control character and its escaped spelling differ.
        String control = CachePolicy.variantKey("example.com/x", ENCODING,
                HeaderView.of(List.of(new Header("Accept-Encoding", "a\u0001"))));
        assertThat(control).isNotEqualTo(key(ENCODING, "Accept-Encoding: a\\01"));
    }

    @Test
    void varyNamesAreLowerCaseInOrderOnce() {
        assertThat(CachePolicy.varyNames(headers("Vary: Accept-Encoding, ACCEPT", "Vary: , accept-encoding ,X-A")))
                .containsExactly("accept-encoding", "accept", "x-a");
        assertThat(CachePolicy.varyNames(headers("Vary: Accept, *"))).containsExactly("accept", "*");
        assertThat(CachePolicy.varyNames(headers("Content-Type: text/plain"))).isEmpty();
        assertThat(CachePolicy.varyNames(headers("Vary: "))).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "example.com      | /a?b=C       | example.com/a?b=C",
        "Example.COM      | /A           | example.com/A",
        "example.com:80   | /            | example.com/",
        "example.com:8080 | /            | example.com:8080/",
        "example.com:180  | /            | example.com:180/",
        "[::1]:80         | /x           | [::1]/x",
        "127.0.0.1        | /x%20y?q     | 127.0.0.1/x%20y?q",
    })
    void urlKey(String host, String target, String key) {
        assertThat(CachePolicy.urlKey(host, target)).isEqualTo(key);
    }
}
