package dev.pibl.config;

import static dev.pibl.config.Configs.ONE_BACKEND;
import static dev.pibl.config.Configs.parse;
import static dev.pibl.config.Configs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code health:} section: its defaults, every key set, and each kind of mistake, asserted exactly. */
class HealthConfigTest {

    private static final String STATUS_EXPECTED =
            "(expected: a status or range such as 200 or 200-399, from 100 to 599, lowest first)";

    @Test
    void absentSectionTakesTheDefaults() throws ConfigException {
        assertThat(parse(ONE_BACKEND).health()).isEqualTo(HealthConfig.defaults());
    }

    @Test
    void emptySectionsTakeTheDefaults() throws ConfigException {
        assertThat(parse(ONE_BACKEND + "health:\n").health()).isEqualTo(HealthConfig.defaults());
        assertThat(parse(ONE_BACKEND + "health:\n  active:\n  passive:\n").health())
                .isEqualTo(HealthConfig.defaults());
    }

    @Test
    void defaultsWrittenOutAreTheDefaults() throws ConfigException {
        PiblConfig c = parse(ONE_BACKEND + "health:\n"
                + "  active:\n"
                + "    enabled: false\n"
                + "    path: /\n"
                + "    interval: 5s\n"
                + "    timeout: 2s\n"
                + "    expected-status: 200-399\n"
                + "    rise: 2\n"
                + "    fall: 3\n"
                + "    initial: healthy\n"
                + "  passive:\n"
                + "    enabled: true\n"
                + "    consecutive-failures: 5\n"
                + "    ejection-time: 10s\n"
                + "    max-ejection-time: 5m\n"
                + "    max-ejected-percent: 50\n"
                + "  panic: false\n");

        assertThat(c.health()).isEqualTo(HealthConfig.defaults());
    }

    @Test
    void everyKeyCanBeSet() throws ConfigException {
        PiblConfig c = parse(ONE_BACKEND + "health:\n"
                + "  active:\n"
                + "    enabled: true\n"
                + "    path: /healthz?full=1\n"
                + "    interval: 1h\n"
                + "    timeout: 1m\n"
                + "    expected-status: 204\n"
                + "    rise: 100\n"
                + "    fall: 1\n"
                + "    initial: unknown\n"
                + "  passive:\n"
                + "    enabled: false\n"
                + "    consecutive-failures: 1000\n"
                + "    ejection-time: 1ms\n"
                + "    max-ejection-time: 1d\n"
                + "    max-ejected-percent: 0\n"
                + "  panic: true\n"
                + "  slow-start: 1h\n");

        assertThat(c.health()).isEqualTo(new HealthConfig(
                new HealthConfig.ActiveCheck(true, "/healthz?full=1", Duration.ofHours(1), Duration.ofMinutes(1),
                        204, 204, 100, 1, false),
                new HealthConfig.PassiveCheck(false, 1000, Duration.ofMillis(1), Duration.ofDays(1), 0),
                true, Duration.ofHours(1)));
    }

    @Test
    void lowestValuesAreAccepted() throws ConfigException {
        PiblConfig c = parse(ONE_BACKEND + "health:\n"
                + "  active: { interval: 100ms, timeout: 1ms, expected-status: 100-599, rise: 1 }\n"
                + "  passive: { consecutive-failures: 1, ejection-time: 1s, max-ejection-time: 1s,"
                + " max-ejected-percent: 100 }\n");

        assertThat(c.health().active()).isEqualTo(new HealthConfig.ActiveCheck(false, "/", Duration.ofMillis(100),
                Duration.ofMillis(1), 100, 599, 1, 3, true));
        assertThat(c.health().passive()).isEqualTo(new HealthConfig.PassiveCheck(true, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 100));
    }

    @Test
    void unknownKeyListsTheKeysItsSectionAccepts() {
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    url: /ping\n  passive:\n    threshold: 3\n"
                + "  panic-mode: true\n")).containsExactly(
                "pibl.yaml:5: health.active.url: unknown key (expected: one of enabled, path, interval, timeout,"
                        + " expected-status, rise, fall, initial)",
                "pibl.yaml:7: health.passive.threshold: unknown key (expected: one of enabled, consecutive-failures,"
                        + " ejection-time, max-ejection-time, max-ejected-percent)",
                "pibl.yaml:8: health.panic-mode: unknown key (expected: one of active, passive, panic, slow-start)");
    }

    @Test
    void sectionsThatAreNotMappings() {
        assertThat(problems(ONE_BACKEND + "health: true\n")).containsExactly(
                "pibl.yaml:3: health: true (expected: a mapping with keys active, passive, panic, slow-start)");
        assertThat(problems(ONE_BACKEND + "health:\n  active: true\n  passive: [1]\n")).containsExactly(
                "pibl.yaml:4: health.active: true (expected: a mapping with keys enabled, path, interval, timeout,"
                        + " expected-status, rise, fall, initial)",
                "pibl.yaml:5: health.passive: [1] (expected: a mapping with keys enabled, consecutive-failures,"
                        + " ejection-time, max-ejection-time, max-ejected-percent)");
    }

    @Test
    void wrongTypes() {
        assertThat(problems(ONE_BACKEND + "health:\n"
                + "  active: { enabled: yes, interval: 5, rise: \"2\" }\n"
                + "  passive: { enabled: \"true\", ejection-time: [10s], max-ejected-percent: 50% }\n"
                + "  panic: 1\n")).containsExactly(
                "pibl.yaml:4: health.active.enabled: yes (expected: true or false)",
                "pibl.yaml:4: health.active.interval: 5 (expected: a duration such as 250ms, 30s, 5m)",
                "pibl.yaml:4: health.active.rise: \"2\" (expected: an integer from 1 to 100)",
                "pibl.yaml:5: health.passive.enabled: \"true\" (expected: true or false)",
                "pibl.yaml:5: health.passive.ejection-time: [10s] (expected: a duration such as 250ms, 30s, 5m)",
                "pibl.yaml:5: health.passive.max-ejected-percent: 50% (expected: an integer from 0 to 100)",
                "pibl.yaml:6: health.panic: 1 (expected: true or false)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"health", "", "/a b", "/a\\tb", "/a\\u007fb"})
    void badPath(String path) {
        // Escapes are YAML's (double-quoted); the message shows control characters escaped or as they are.
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    path: \"" + path + "\"\n")).hasSize(1)
                .first().asString().startsWith("pibl.yaml:5: health.active.path: ")
                .endsWith(" (expected: a path starting with /, at most 1024 characters,"
                        + " without spaces or control characters)");
    }

    @Test
    void pathMessage() {
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    path: health\n")).containsExactly(
                "pibl.yaml:5: health.active.path: health (expected: a path starting with /, at most 1024 characters,"
                        + " without spaces or control characters)");
    }

    @Test
    void pathAtMost1024Characters() throws ConfigException {
        String longest = "/" + "a".repeat(1023);
        assertThat(parse(ONE_BACKEND + "health:\n  active:\n    path: " + longest + "\n").health().active().path())
                .isEqualTo(longest);
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    path: " + longest + "a\n")).containsExactly(
                "pibl.yaml:5: health.active.path: /" + "a".repeat(76) + "..."
                        + " (expected: a path starting with /, at most 1024 characters,"
                        + " without spaces or control characters)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2xx", "399-200", "600", "99", "200-600", "200 - 399", "200-", "-200", "200.0"})
    void badExpectedStatus(String status) {
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    expected-status: " + status + "\n"))
                .containsExactly("pibl.yaml:5: health.active.expected-status: " + status + " " + STATUS_EXPECTED);
    }

    @Test
    void expectedStatusAsOneNumberOrARange() throws ConfigException {
        HealthConfig.ActiveCheck one = parse(ONE_BACKEND + "health:\n  active:\n    expected-status: 200\n")
                .health().active();
        assertThat(one.statusFrom()).isEqualTo(200);
        assertThat(one.statusTo()).isEqualTo(200);
        HealthConfig.ActiveCheck range = parse(ONE_BACKEND + "health:\n  active:\n    expected-status: \"200-204\"\n")
                .health().active();
        assertThat(range.statusFrom()).isEqualTo(200);
        assertThat(range.statusTo()).isEqualTo(204);
    }

    @Test
    void durationsOutOfRange() {
        assertThat(problems(ONE_BACKEND + "health:\n"
                + "  active:\n    interval: 99ms\n    timeout: 0\n"
                + "  passive:\n    ejection-time: 2d\n    max-ejection-time: 0s\n")).containsExactly(
                "pibl.yaml:5: health.active.interval: 99ms (expected: a duration from 100ms to 1h)",
                "pibl.yaml:6: health.active.timeout: 0 (expected: a duration from 1ms to 1m)",
                "pibl.yaml:8: health.passive.ejection-time: 2d (expected: a duration from 1ms to 1d)",
                "pibl.yaml:9: health.passive.max-ejection-time: 0s (expected: a duration from 1ms to 1d)");
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    interval: 2h\n    timeout: 61s\n"))
                .containsExactly(
                        "pibl.yaml:5: health.active.interval: 2h (expected: a duration from 100ms to 1h)",
                        "pibl.yaml:6: health.active.timeout: 61s (expected: a duration from 1ms to 1m)");
    }

    @Test
    void integersOutOfRange() {
        assertThat(problems(ONE_BACKEND + "health:\n"
                + "  active: { rise: 0, fall: 101 }\n"
                + "  passive: { consecutive-failures: 1001, max-ejected-percent: 101 }\n")).containsExactly(
                "pibl.yaml:4: health.active.rise: 0 (expected: an integer from 1 to 100)",
                "pibl.yaml:4: health.active.fall: 101 (expected: an integer from 1 to 100)",
                "pibl.yaml:5: health.passive.consecutive-failures: 1001 (expected: an integer from 1 to 1000)",
                "pibl.yaml:5: health.passive.max-ejected-percent: 101 (expected: an integer from 0 to 100)");
    }

    @Test
    void maxEjectedPercentAbove100() {
        assertThat(problems(ONE_BACKEND + "health:\n  passive:\n    max-ejected-percent: 101\n")).containsExactly(
                "pibl.yaml:5: health.passive.max-ejected-percent: 101 (expected: an integer from 0 to 100)");
    }

    @Test
    void unknownInitialState() {
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    initial: maybe\n")).containsExactly(
                "pibl.yaml:5: health.active.initial: maybe (expected: healthy or unknown)");
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    initial: true\n")).containsExactly(
                "pibl.yaml:5: health.active.initial: true (expected: healthy or unknown)");
    }

    @Test
    void timeoutMustBeLessThanInterval() {
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    interval: 1s\n    timeout: 1s\n")).containsExactly(
                "pibl.yaml:6: health.active.timeout: 1s (expected: a duration less than health.active.interval, 1s)");
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    timeout: 6s\n")).containsExactly(
                "pibl.yaml:5: health.active.timeout: 6s (expected: a duration less than health.active.interval, 5s)");
        // With the timeout left at its default, the key the operator wrote is the one named.
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    interval: 1500ms\n")).containsExactly(
                "pibl.yaml:5: health.active.interval: 1500ms"
                        + " (expected: a duration greater than health.active.timeout, 2s)");
    }

    @Test
    void timeoutIsNotComparedWithAnIntervalThatFailed() {
        assertThat(problems(ONE_BACKEND + "health:\n  active:\n    interval: 50ms\n    timeout: 10s\n"))
                .containsExactly("pibl.yaml:5: health.active.interval: 50ms (expected: a duration from 100ms to 1h)");
    }

    @Test
    void maxEjectionTimeMayNotBeShorterThanEjectionTime() {
        assertThat(problems(ONE_BACKEND + "health:\n  passive:\n    ejection-time: 30s\n    max-ejection-time: 20s\n"))
                .containsExactly("pibl.yaml:6: health.passive.max-ejection-time: 20s"
                        + " (expected: a duration no shorter than health.passive.ejection-time, 30s)");
        assertThat(problems(ONE_BACKEND + "health:\n  passive:\n    max-ejection-time: 5s\n")).containsExactly(
                "pibl.yaml:5: health.passive.max-ejection-time: 5s"
                        + " (expected: a duration no shorter than health.passive.ejection-time, 10s)");
        // With max-ejection-time left at its default, the key the operator wrote is the one named.
        assertThat(problems(ONE_BACKEND + "health:\n  passive:\n    ejection-time: 10m\n")).containsExactly(
                "pibl.yaml:5: health.passive.ejection-time: 10m"
                        + " (expected: a duration no longer than health.passive.max-ejection-time, 5m)");
    }
}
