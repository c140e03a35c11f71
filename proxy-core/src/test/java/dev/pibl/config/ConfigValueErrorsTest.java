package dev.pibl.config;

import static dev.pibl.config.Configs.ONE_BACKEND;
import static dev.pibl.config.Configs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Well-formed files with values out of range or of the wrong kind. Each message is asserted exactly. */
class ConfigValueErrorsTest {

    @Test
    void integerOutOfRange() {
        assertThat(problems("server:\n  io-threads: 257\n" + ONE_BACKEND + "upstream:\n  max-tries: 0\n"))
                .containsExactly(
                        "pibl.yaml:2: server.io-threads: 257 (expected: an integer from 0 to 256)",
                        "pibl.yaml:6: upstream.max-tries: 0 (expected: an integer from 1 to 10)");
    }

    @Test
    void portOutOfRange() {
        assertThat(problems("server:\n  port: 70000\n" + ONE_BACKEND)).containsExactly(
                "pibl.yaml:2: server.port: 70000 (expected: an integer from 1 to 65535)");
    }

    @Test
    void badDuration() {
        assertThat(problems(ONE_BACKEND + "timeouts:\n  response: 1.5s\n  idle: 30\n")).containsExactly(
                "pibl.yaml:4: timeouts.response: 1.5s (expected: a duration such as 250ms, 30s, 5m)",
                "pibl.yaml:5: timeouts.idle: 30 (expected: a duration such as 250ms, 30s, 5m)");
    }

    @Test
    void timeoutOutOfRange() {
        assertThat(problems(ONE_BACKEND + "timeouts:\n  connect: 0s\n  drain: 2d\n"
                + "upstream:\n  pending-timeout: 0\n")).containsExactly(
                "pibl.yaml:4: timeouts.connect: 0s (expected: a duration from 1ms to 1d)",
                "pibl.yaml:5: timeouts.drain: 2d (expected: a duration from 1ms to 1d)",
                "pibl.yaml:7: upstream.pending-timeout: 0 (expected: a duration greater than 0)");
    }

    @Test
    void badSize() {
        assertThat(problems(ONE_BACKEND + "cache:\n  disk-size: 1 GiB\n  memory-size: 256mb\n")).containsExactly(
                "pibl.yaml:4: cache.disk-size: 1 GiB (expected: a size such as 512KiB, 256MiB, 1GiB)",
                "pibl.yaml:5: cache.memory-size: 256mb (expected: a size such as 512KiB, 256MiB, 1GiB)");
    }

    @Test
    void sizeOutOfRange() {
        assertThat(problems("server:\n  limits:\n    max-header-size: 2MiB\n" + ONE_BACKEND + "cache:\n  disk-size: 0\n"))
                .containsExactly(
                        "pibl.yaml:3: server.limits.max-header-size: 2MiB (expected: a size from 256B to 1MiB)",
                        "pibl.yaml:7: cache.disk-size: 0 (expected: a size greater than 0)");
    }

    @Test
    void maxObjectSizeMayNotExceedMemorySize() {
        assertThat(problems(ONE_BACKEND + "cache:\n  memory-size: 1MiB\n  max-object-size: 2MiB\n")).containsExactly(
                "pibl.yaml:5: cache.max-object-size: 2MiB (expected: a size no larger than cache.memory-size, 1MiB)");
        // With max-object-size left at its default, the key the operator wrote is the one named.
        assertThat(problems(ONE_BACKEND + "cache:\n  memory-size: 1MiB\n")).containsExactly(
                "pibl.yaml:4: cache.memory-size: 1MiB (expected: a size no smaller than cache.max-object-size, 8MiB)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://x", "https://a:443", "http://a:1/api", "http://a:1?q=1", "http://a:1#f",
        "http://user@a:1", "http://a:0", "http://a:70000", "http://", "a:1", "http://a b:1", "http://my_host:1"})
    void badUrl(String url) {
        assertThat(problems("backends:\n  - name: a\n    url: \"" + url + "\"\n")).containsExactly(
                "pibl.yaml:3: backends[0].url: " + url + " (expected: http://host:port)");
    }

    @Test
    void missingUrlPointsAtItsBackend() {
        assertThat(problems("backends:\n  - url: http://a:1\n  - name: b\n    weight: 2\n")).containsExactly(
                "pibl.yaml:3: backends[1].url: missing (expected: http://host:port)");
    }

    @Test
    void badBackendNameAndWeight() {
        assertThat(problems("backends:\n  - { name: \"node 1\", url: \"http://a:1\", weight: 1001 }\n")).containsExactly(
                "pibl.yaml:2: backends[0].name: node 1 (expected: 1 to 64 letters, digits, '.', '_' or '-')",
                "pibl.yaml:2: backends[0].weight: 1001 (expected: an integer from 1 to 1000)");
    }

    @Test
    void aBackendCannotBeNamedNoneWhichMetricsUseForNoBackend() {
        assertThat(problems("backends:\n  - { name: none, url: \"http://a:1\" }\n")).containsExactly(
                "pibl.yaml:2: backends[0].name: none (expected: another name: 'none' stands for no backend in metrics and logs)");
    }

    @Test
    void duplicateBackendName() {
        assertThat(problems("backends:\n"
                + "  - { name: node-1, url: \"http://a:1\" }\n"
                + "  - { name: node-2, url: \"http://a:2\" }\n"
                + "  - { name: node-1, url: \"http://a:3\" }\n")).containsExactly(
                "pibl.yaml:4: backends[2].name: node-1 (expected: a name not used by another backend)");
    }

    @Test
    void sameUrlTwiceWithoutNamesCollidesOnTheDefaultName() {
        assertThat(problems("backends:\n  - url: http://a:1\n  - url: http://a:1\n")).containsExactly(
                "pibl.yaml:3: backends[1].name: a:1 (expected: a name not used by another backend)");
    }

    @Test
    void missingOrEmptyBackends() {
        assertThat(problems("server:\n  port: 8080\n")).containsExactly(
                "pibl.yaml: backends: missing (expected: at least one backend)");
        assertThat(problems("backends: []\n")).containsExactly(
                "pibl.yaml:1: backends: [] (expected: at least one backend)");
        assertThat(problems("backends:\n  - http://a:1\n")).containsExactly(
                "pibl.yaml:2: backends[0]: http://a:1 (expected: a mapping with keys name, url, weight)");
    }

    @Test
    void unknownPolicy() {
        assertThat(problems(ONE_BACKEND + "balancing:\n  policy: random\n")).containsExactly(
                "pibl.yaml:4: balancing.policy: random (expected: round-robin or score)");
    }

    @Test
    void badEnum() {
        assertThat(problems(ONE_BACKEND + "logging:\n  format: JSON\n  detail: full\n")).containsExactly(
                "pibl.yaml:4: logging.format: JSON (expected: text or json)",
                "pibl.yaml:5: logging.detail: full (expected: summary or headers)");
    }

    @Test
    void badBindAndPaths() {
        assertThat(problems("server:\n  bind: 300.1.1.1\n" + ONE_BACKEND + "cache:\n  directory: \"\"\n"))
                .containsExactly(
                        "pibl.yaml:2: server.bind: 300.1.1.1 (expected: an IP address or host name, such as 0.0.0.0)",
                        "pibl.yaml:6: cache.directory: \"\" (expected: a directory path)");
    }
}
