package dev.pibl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "0,      0",
        "0s,     0",
        "0ms,    0",
        "1ms,    1",
        "250ms,  250",
        "30s,    30000",
        "5m,     300000",
        "1h,     3600000",
        "1d,     86400000",
        "90s,    90000",
        "007s,   7000",
    })
    void parses(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5x", "-5s", "+5s", "1.5s", "5 s", " 5s", "5S", "1h30m", "ms", "5sec",
        "999999999999999999d"})
    void rejects(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text))
                .withMessageContaining("\"" + text + "\"");
    }

    @ParameterizedTest
    @CsvSource({
        "0,        0s",
        "1,        1ms",
        "1500,     1500ms",
        "30000,    30s",
        "90000,    90s",
        "120000,   2m",
        "3600000,  1h",
        "5400000,  90m",
        "86400000, 1d",
    })
    void formatsInTheLargestExactUnit(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, 1})
    void formatRejectsNegativeAndSubMillisecond(long nanos) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.format(Duration.ofNanos(nanos)));
    }
}
