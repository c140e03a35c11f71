package dev.pibl.config;

import static dev.pibl.config.Configs.ONE_BACKEND;
import static dev.pibl.config.Configs.parse;
import static dev.pibl.config.Configs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code logging.rotate}: sizes and days as operators write them, and the mistakes they make. */
class LoggingRotationConfigTest {

    @Test
    void absentRotationKeepsTodaysPolicy() throws ConfigException {
        assertThat(parse(ONE_BACKEND + "logging:\n  format: json\n").logging().rotate())
                .isEqualTo(new LoggingConfig.Rotation(100L << 20, Duration.ofDays(14), 5L << 30));
    }

    @Test
    void sizesAndDaysAreBoundAsWritten() throws ConfigException {
        LoggingConfig.Rotation r = parse(ONE_BACKEND
                + "logging:\n  rotate: { max-file-size: 10MiB, max-history: 30d, total-size-cap: 2GiB }\n")
                .logging().rotate();
        assertThat(r).isEqualTo(new LoggingConfig.Rotation(10L << 20, Duration.ofDays(30), 2L << 30));
    }

    @Test
    void historyMayBeWrittenInHoursWhenItIsWholeDays() throws ConfigException {
        assertThat(parse(ONE_BACKEND + "logging:\n  rotate: { max-history: 48h }\n").logging().rotate().maxHistory())
                .isEqualTo(Duration.ofDays(2));
    }

    @Test
    void badValuesNameTheKeyTheValueAndWhatWasExpected() {
        assertThat(problems(ONE_BACKEND + "logging:\n  rotate:\n    max-file-size: 100mb\n    max-history: 36h\n"
                + "    total-size-cap: -1\n")).containsExactly(
                "pibl.yaml:5: logging.rotate.max-file-size: 100mb (expected: a size such as 512KiB, 256MiB, 1GiB)",
                "pibl.yaml:6: logging.rotate.max-history: 36h (expected: a whole number of days from 1d to 3650d)",
                "pibl.yaml:7: logging.rotate.total-size-cap: -1 (expected: a size such as 512KiB, 256MiB, 1GiB)");
    }

    @Test
    void outOfRangeValuesAreRejected() {
        assertThat(problems(ONE_BACKEND + "logging:\n  rotate:\n    max-file-size: 512\n    max-history: 0\n"))
                .containsExactly(
                        "pibl.yaml:5: logging.rotate.max-file-size: 512 (expected: a size of at least 1KiB)",
                        "pibl.yaml:6: logging.rotate.max-history: 0 (expected: a whole number of days from 1d to 3650d)");
        assertThat(problems(ONE_BACKEND + "logging:\n  rotate: { max-history: 3651d }\n")).containsExactly(
                "pibl.yaml:4: logging.rotate.max-history: 3651d (expected: a whole number of days from 1d to 3650d)");
    }

    @Test
    void aCapBelowOneFileBlamesTheKeyTheOperatorWrote() {
        assertThat(problems(ONE_BACKEND + "logging:\n  rotate: { total-size-cap: 10MiB }\n")).containsExactly(
                "pibl.yaml:4: logging.rotate.total-size-cap: 10MiB (expected: 0 (no cap) or a size no smaller than"
                        + " logging.rotate.max-file-size, 100MiB)");
        assertThat(problems(ONE_BACKEND + "logging:\n  rotate: { max-file-size: 6GiB }\n")).containsExactly(
                "pibl.yaml:4: logging.rotate.max-file-size: 6GiB (expected: a size no larger than"
                        + " logging.rotate.total-size-cap, 5GiB)");
    }

    @Test
    void aZeroCapMeansNoCap() throws ConfigException {
        assertThat(parse(ONE_BACKEND + "logging:\n  rotate: { total-size-cap: 0 }\n").logging().rotate().totalSizeCap())
                .isZero();
    }

    @Test
    void unknownRotationKeysAreRejected() {
        assertThat(problems(ONE_BACKEND + "logging:\n  rotate: { max-size: 1GiB }\n")).containsExactly(
                "pibl.yaml:4: logging.rotate.max-size: unknown key (expected: one of max-file-size, max-history,"
                        + " total-size-cap)");
    }

    @Test
    void aReloadedDetailKeepsTheRotationInForce() throws ConfigException {
        LoggingConfig running = parse(ONE_BACKEND + "logging:\n  rotate: { max-file-size: 10MiB }\n").logging();
        assertThat(running.withDetail(LoggingConfig.Detail.HEADERS).rotate()).isEqualTo(running.rotate());
    }
}
