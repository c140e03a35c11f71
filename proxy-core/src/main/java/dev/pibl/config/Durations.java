package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the configuration and the command line write them: a whole number and a unit,
 * {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, or a bare {@code 0}.
 *
 * <p>No spaces, fractions, signs or combinations such as {@code 1h30m}: one way to write each
 * value keeps files easy to read and to grep. Stateless; safe to call from any thread.
 */
public final class Durations {

    /** What {@link #parse} accepts, phrased for the configuration's error messages. */
    static final String EXPECTED = "a duration such as 250ms, 30s, 5m";

    // At most 18 digits, so the number always fits a long and only the unit can overflow.
    private static final Pattern SYNTAX = Pattern.compile("([0-9]{1,18})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException when it is not a whole number followed by {@code ms},
     *                                  {@code s}, {@code m}, {@code h} or {@code d} (or a bare
     *                                  {@code 0}), or too large for a {@link Duration}
     */
    public static Duration parse(String text) {
        requireNonNull(text, "text");
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid duration \"" + text
                    + "\": expected a whole number followed by ms, s, m, h or d, such as 250ms, 30s, 5m, 1h");
        }
        try {
            return Duration.of(Long.parseLong(m.group(1)), unit(m.group(2)));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("Invalid duration \"" + text + "\": too large", e);
        }
    }

    /**
     * Writes {@code duration} the way {@link #parse} reads it, in the largest unit that holds it
     * exactly: 90 seconds is {@code 90s}, 120 seconds {@code 2m}, 1.5 seconds {@code 1500ms}, zero
     * {@code 0s}.
     *
     * @throws IllegalArgumentException when it is negative or not a whole number of milliseconds
     */
    public static String format(Duration duration) {
        requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("Negative duration: " + duration);
        }
        if (duration.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("Not a whole number of milliseconds: " + duration);
        }
        if (duration.getNano() != 0) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.getSeconds();
        if (seconds == 0) {
            return "0s";
        }
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    private static ChronoUnit unit(String suffix) {
        return switch (suffix) {
            case "ms" -> ChronoUnit.MILLIS;
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> ChronoUnit.DAYS;
        };
    }
}
