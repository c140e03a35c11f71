package dev.pibl.app.demo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-rolled request-target scanning that stands in for QueryStringDecoder and regexes. */
class QueryTest {

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "/add?a=1&b=2, a, 1",
            "/add?a=1&b=2, b, 2",
            "/add?aa=1&a=3, a, 3",
            "/add?a=1&a=2, a, 1",
            "/add?b=2, a, null",
            "/bytes?n=5&chunked, chunked, ''",
            "/bytes?chunked=&n=5, chunked, ''",
            "/sub?a=%2D4, a, -4",
            "/x?q=a+b, q, a b",
            "/x?=1&a=z, a, z",
    })
    void findsTheFirstValue(String uri, String name, String expected) {
        assertThat(Query.param(uri, uri.indexOf('?') + 1, name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "/a/b?c, 0",
            "http://h:1/p?q, 10",
            "http://h:1?q, 10",
            "http://h, 8",
            "*, 0"})
    void pathStartsAfterAnyAuthority(String uri, int start) {
        assertThat(Query.pathStart(uri)).isEqualTo(start);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "0, 0", "42, 42", "60000, 60000", "60001, -1", "-1, -1", "1e3, -1", "'', -1", "null, -1",
            "0000000000000000042, -1", "000000000000000042, 42"})
    void boundedAcceptsOnlyPlainDigitsInRange(String raw, long expected) {
        assertThat(Query.bounded(raw, 0, 60_000)).isEqualTo(expected);
    }
}
