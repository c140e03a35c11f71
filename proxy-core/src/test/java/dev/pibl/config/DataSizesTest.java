package dev.pibl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataSizesTest {

    @ParameterizedTest
    @CsvSource({
        "0,       0",
        "512,     512",
        "512B,    512",
        "512KiB,  524288",
        "256MiB,  268435456",
        "1GiB,    1073741824",
        "1TiB,    1099511627776",
        "1KB,     1000",
        "10MB,    10000000",
        "1GB,     1000000000",
        "2TB,     2000000000000",
    })
    void parses(String text, long bytes) {
        assertThat(DataSizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "1.5MiB", "1 MiB", "1mib", "1Mb", "1kb", "1K", "1M", "MiB", "1KiBs",
        "9223372036854775808", "8388608TiB"})
    void rejects(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> DataSizes.parse(text))
                .withMessageContaining("\"" + text + "\"");
    }

    @ParameterizedTest
    @CsvSource({
        "0,             0B",
        "1000,          1000B",
        "1024,          1KiB",
        "8192,          8KiB",
        "1536,          1536B",
        "268435456,     256MiB",
        "1073741824,    1GiB",
        "1099511627776, 1TiB",
    })
    void formatsInTheLargestExactBinaryUnit(long bytes, String text) {
        assertThat(DataSizes.format(bytes)).isEqualTo(text);
        assertThat(DataSizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, Long.MIN_VALUE})
    void formatRejectsNegative(long bytes) {
        assertThatIllegalArgumentException().isThrownBy(() -> DataSizes.format(bytes));
    }
}
