package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The three HTTP date formats of RFC 9110 §5.6.7, and what is not a date. */
class HttpDatesTest {

    private static final long RFC_EXAMPLE = Instant.parse("1994-11-06T08:49:37Z").toEpochMilli();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "  Sun, 06 Nov 1994 08:49:37 GMT  ",
        "sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun Nov 06 08:49:37 1994",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
    })
    void theRfcExampleInEveryFormat(String value) {
        assertThat(HttpDates.parse(value)).isEqualTo(RFC_EXAMPLE);
    }

    @ParameterizedTest(name = "[{0}] is {1}")
    @CsvSource(delimiter = '|', value = {
        "Thu, 01 Jan 1970 00:00:00 GMT | 1970-01-01T00:00:00Z",
        "Tue, 29 Feb 2028 23:59:59 GMT | 2028-02-29T23:59:59Z",
        "Fri, 31 Dec 9999 23:59:59 GMT | 9999-12-31T23:59:59Z",
        "Wed, 31 Dec 2008 23:59:60 GMT | 2009-01-01T00:00:00Z",
        "Monday, 01-Jan-69 00:00:00 GMT | 2069-01-01T00:00:00Z",
        "Thursday, 01-Jan-70 00:00:00 GMT | 1970-01-01T00:00:00Z",
    })
    void edgesOfTheCalendar(String value, String instant) {
        assertThat(HttpDates.parse(value)).isEqualTo(Instant.parse(instant).toEpochMilli());
    }

    @ParameterizedTest(name = "[{0}]")
    @NullAndEmptySource
    @ValueSource(strings = {
        "0",
        "-1",
        "yesterday",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 08:49:37 PST",
        "Sun, 06 Nov 1994 08:49:37 GMT+1",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 29 Feb 2100 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun,06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37",
        "Funday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 94",
        "Sun Nov  6 08:49:37",
        "2024-01-01T00:00:00Z",
    })
    void whatIsNotADate(String value) {
        assertThat(HttpDates.parse(value)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void formatsImfFixdateToTheSecond() {
        assertThat(HttpDates.format(RFC_EXAMPLE)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDates.format(RFC_EXAMPLE + 999)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpDates.format(0)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(HttpDates.format(-1)).isEqualTo("Wed, 31 Dec 1969 23:59:59 GMT");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(longs = {0L, 784_111_777_000L, 1_700_000_000_000L, 4_102_444_800_000L, 253_402_300_799_000L})
    void parseReadsWhatFormatWrites(long millis) {
        assertThat(HttpDates.parse(HttpDates.format(millis))).isEqualTo(millis);
    }

    @Test
    void everyDayOfAYearRoundTrips() {
        long day = 86_400_000L;
        long start = Instant.parse("2024-01-01T12:34:56Z").toEpochMilli();
        for (long t = start; t < start + 366 * day; t += day) {
            assertThat(HttpDates.parse(HttpDates.format(t))).as(HttpDates.format(t)).isEqualTo(t);
        }
    }
}
