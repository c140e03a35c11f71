package dev.pibl.cache;

import static dev.pibl.cache.PolicyFixtures.cell;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The URL keys an unsafe request invalidates (RFC 9111 §4.4). */
class InvalidationTest {

    private static List<String> invalidated(String host, int status, String response, String target) {
        return CachePolicy.invalidated(host, status, cell(response), target);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {100, 199, 400, 404, 409, 500, 503})
    void errorsInvalidateNothing(int status) {
        assertThat(invalidated("example.com", status, "Location: /b", "/a")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {200, 201, 204, 299, 301, 303, 399})
    void successAndRedirectsInvalidateTheTarget(int status) {
        assertThat(invalidated("Example.com:80", status, null, "/a?x=1")).containsExactly("example.com/a?x=1");
    }

    @ParameterizedTest(name = "{0} [{1}] from {2}")
    @CsvSource(delimiter = '|', value = {
        "example.com      | Location: /b                              | /a       | example.com/a, example.com/b",
        "example.com      | Location: b?y=2                           | /dir/a   | example.com/dir/a, example.com/dir/b?y=2",
        "example.com      | Location: ../b                            | /dir/a   | example.com/dir/a, example.com/b",
        "example.com      | Location: ?y=2                            | /dir/a?x | example.com/dir/a?x, example.com/dir/a?y=2",
        "example.com      | Location: /b#frag                         | /a       | example.com/a, example.com/b",
        "example.com      | Location: http://EXAMPLE.com/b            | /a       | example.com/a, example.com/b",
        "example.com      | Location: http://example.com:80/b         | /a       | example.com/a, example.com/b",
        "example.com      | Location: https://example.com/b           | /a       | example.com/a, example.com/b",
        "example.com      | Location: http://example.com              | /a       | example.com/a, example.com/",
        "example.com:8080 | Location: http://example.com:8080/b       | /a       | example.com:8080/a, example.com:8080/b",
        "example.com      | Content-Location: /a/1                    | /a       | example.com/a, example.com/a/1",
        "example.com      | Location: /b^Content-Location: /c         | /a       | example.com/a, example.com/b, example.com/c",
        "example.com      | Location: /a                              | /a       | example.com/a",
        "example.com      | Location: /b{c}                           | /a       | example.com/a, example.com/b{c}",
    })
    void sameHostLocationsAreInvalidatedToo(String host, String response, String target, String keys) {
        assertThat(invalidated(host, 201, response, target)).containsExactly(keys.split(", "));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "Location: http://other.example/b",
        "Location: //other.example/b",
        "Location: http://example.com:8080/b",
        "Location: https://example.com:8443/b",
        "Location: http://user@example.com/b",
        "Location: ftp://example.com/b",
        "Location: mailto:a@example.com",
        "Location: http://exa mple.com/b",
        "Location:  ",
    })
    void otherHostsAreNeverInvalidated(String response) {
        assertThat(invalidated("example.com", 200, response, "/a")).containsExactly("example.com/a");
    }
}
