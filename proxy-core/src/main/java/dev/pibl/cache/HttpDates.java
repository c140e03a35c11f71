package dev.pibl.cache;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * HTTP dates (RFC 9110 §5.6.7) to and from epoch milliseconds. Parsing accepts the three formats
 * a recipient must: IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}), the obsolete RFC 850
 * form ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime ({@code Sun Nov  6 08:49:37 1994}).
 * It runs once per stored response, so it is a hand-written scan that allocates nothing, not a
 * {@code DateTimeFormatter} with its exceptions on every bad value. Pure functions: any thread.
 */
public final class HttpDates {

    /** What {@link #parse} returns for a value that is not an HTTP date. */
    static final long INVALID = Long.MIN_VALUE;

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] LONG_DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
        "Sunday"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private HttpDates() {
    }

    /**
     * The instant {@code value} names, in epoch milliseconds, or {@code Long.MIN_VALUE} when it is
     * null or none of the three formats. Names of days and months are matched without regard to
     * case, and surrounding whitespace is ignored (RFC 9110 asks recipients to be robust); the day
     * name is checked to be one, not to agree with the date. A two-digit RFC 850 year below 70 is
     * taken as 20xx, otherwise 19xx: RFC 9110's "more than 50 years in the future" rule would need
     * a clock, and this pivot gives the same answer until 2020 + 50.
     */
    public static long parse(String value) {
        if (value == null) {
            return INVALID;
        }
        String s = value.strip();
        int comma = s.indexOf(',');
        if (comma == 3) {
            return imfFixdate(s);
        }
        if (comma > 3) {
            return rfc850(s, comma);
        }
        if (comma < 0) {
            return asctime(s);
        }
        return INVALID;
    }

    /** {@code millis} as an IMF-fixdate, to the second (fractions are dropped, rounding down). */
    public static String format(long millis) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000L), 0, ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(29);
        b.append(DAYS[t.getDayOfWeek().getValue() - 1]).append(", ");
        two(b, t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ');
        int year = t.getYear();
        if (year >= 0 && year < 1000) {
            b.append(year < 10 ? "000" : year < 100 ? "00" : "0");
        }
        b.append(year).append(' ');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append(" GMT");
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int n) {
        return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    // Sun, 06 Nov 1994 08:49:37 GMT (a one-digit day, as RFC 1123 allowed, is accepted too)
    private static long imfFixdate(String s) {
        if (dayIndex(s, 0, 3, DAYS) < 0 || !at(s, 4, ' ')) {
            return INVALID;
        }
        int dayEnd = digitsEnd(s, 5);
        int day = number(s, 5, dayEnd, 1, 2);
        if (!at(s, dayEnd, ' ')) {
            return INVALID;
        }
        int month = month(s, dayEnd + 1);
        int y = dayEnd + 5;
        if (!at(s, dayEnd + 4, ' ') || !at(s, y + 4, ' ')) {
            return INVALID;
        }
        int year = number(s, y, y + 4, 4, 4);
        return time(s, y + 5, year, month, day, s.length() - 4) && s.endsWith(" GMT")
                ? millis(year, month, day, s, y + 5) : INVALID;
    }

    // Sunday, 06-Nov-94 08:49:37 GMT
    private static long rfc850(String s, int comma) {
        if (dayIndex(s, 0, comma, LONG_DAYS) < 0 || !at(s, comma + 1, ' ') || !at(s, comma + 4, '-')
                || !at(s, comma + 8, '-')) {
            return INVALID;
        }
        int day = number(s, comma + 2, comma + 4, 2, 2);
        int month = month(s, comma + 5);
        int y = comma + 9;
        int yearEnd = digitsEnd(s, y);
        int year = number(s, y, yearEnd, 2, 4);
        if (yearEnd - y == 2 && year >= 0) {
            year += year < 70 ? 2000 : 1900;
        } else if (yearEnd - y != 4) {
            return INVALID;
        }
        if (!at(s, yearEnd, ' ')) {
            return INVALID;
        }
        return time(s, yearEnd + 1, year, month, day, s.length() - 4) && s.endsWith(" GMT")
                ? millis(year, month, day, s, yearEnd + 1) : INVALID;
    }

    // Sun Nov  6 08:49:37 1994 (a two-digit day is accepted too)
    private static long asctime(String s) {
        if (dayIndex(s, 0, 3, DAYS) < 0 || !at(s, 3, ' ') || !at(s, 7, ' ')) {
            return INVALID;
        }
        int month = month(s, 4);
        int d = at(s, 8, ' ') ? 9 : 8;
        int dayEnd = digitsEnd(s, d);
        int day = number(s, d, dayEnd, 1, 2);
        int t = dayEnd + 1;
        if (!at(s, dayEnd, ' ') || !at(s, t + 8, ' ')) {
            return INVALID;
        }
        int year = number(s, t + 9, s.length(), 4, 4);
        return time(s, t, year, month, day, t + 8) ? millis(year, month, day, s, t) : INVALID;
    }

    /** Checks HH:MM:SS at {@code from} ending at {@code end} and the date fields parsed so far. */
    private static boolean time(String s, int from, int year, int month, int day, int end) {
        if (year < 0 || month < 0 || day < 1 || end != from + 8 || !at(s, from + 2, ':') || !at(s, from + 5, ':')) {
            return false;
        }
        int leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 1 : 0;
        int monthDays = month == 1 ? 28 + leap : month == 3 || month == 5 || month == 8 || month == 10 ? 30 : 31;
        int hour = number(s, from, from + 2, 2, 2);
        int minute = number(s, from + 3, from + 5, 2, 2);
        int second = number(s, from + 6, from + 8, 2, 2);
        // 60 is a leap second (RFC 9110 §5.6.7); it simply counts as the next second.
        return day <= monthDays && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0
                && second <= 60;
    }

    private static long millis(int year, int month, int day, String s, int time) {
        long days = LocalDate.of(year, month + 1, day).toEpochDay();
        long seconds = days * 86_400L
                + number(s, time, time + 2, 2, 2) * 3600L
                + number(s, time + 3, time + 5, 2, 2) * 60L
                + number(s, time + 6, time + 8, 2, 2);
        return seconds * 1000L;
    }

    private static boolean at(String s, int i, char c) {
        return i >= 0 && i < s.length() && s.charAt(i) == c;
    }

    private static int digitsEnd(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** The decimal number in [from, to), or -1 unless it has minDigits..maxDigits digits only. */
    private static int number(String s, int from, int to, int minDigits, int maxDigits) {
        int length = to - from;
        if (length < minDigits || length > maxDigits || to > s.length()) {
            return -1;
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** 0-based month of the three letters at {@code from}, or -1. */
    private static int month(String s, int from) {
        if (from + 3 > s.length()) {
            return -1;
        }
        for (int m = 0; m < MONTHS.length; m++) {
            if (s.regionMatches(true, from, MONTHS[m], 0, 3)) {
                return m;
            }
        }
        return -1;
    }

    private static int dayIndex(String s, int from, int to, String[] names) {
        for (int d = 0; d < names.length; d++) {
            if (names[d].length() == to - from && s.regionMatches(true, from, names[d], 0, to - from)) {
                return d;
            }
        }
        return -1;
    }
}
