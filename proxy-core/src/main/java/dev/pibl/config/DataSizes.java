package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes in bytes as the configuration writes them: a whole number and an optional unit.
 *
 * <ul>
 *   <li>no unit or {@code B}: bytes ({@code 512}, {@code 512B});
 *   <li>{@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}: powers of 1024 ({@code 256MiB} is
 *       268,435,456 bytes);
 *   <li>{@code KB}, {@code MB}, {@code GB}, {@code TB}: powers of 1000 ({@code 1MB} is 1,000,000
 *       bytes), as the SI prefixes mean.
 * </ul>
 *
 * <p>Units are case-sensitive, because {@code Mb} would commonly mean megabits. No spaces,
 * fractions or signs. Stateless; safe to call from any thread.
 */
public final class DataSizes {

    /** What {@link #parse} accepts, phrased for the configuration's error messages. */
    static final String EXPECTED = "a size such as 512KiB, 256MiB, 1GiB";

    private static final long KIB = 1024L;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;
    private static final long TIB = GIB * 1024;

    // At most 19 digits: Long.parseLong reports the few that still overflow.
    private static final Pattern SYNTAX = Pattern.compile("([0-9]{1,19})(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)?");

    private DataSizes() {
    }

    /**
     * Parses {@code text} into a number of bytes.
     *
     * @throws IllegalArgumentException when it is not a whole number with an optional unit from
     *                                  the list above, or more bytes than a {@code long} holds
     */
    public static long parse(String text) {
        requireNonNull(text, "text");
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid size \"" + text
                    + "\": expected a whole number with an optional unit B, KiB, MiB, GiB, TiB, KB, MB, GB or TB,"
                    + " such as 512KiB, 256MiB, 1GiB");
        }
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier(m.group(2)));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("Invalid size \"" + text + "\": too large", e);
        }
    }

    /**
     * Writes {@code bytes} the way {@link #parse} reads it, in the largest power-of-1024 unit that
     * holds it exactly: 8192 is {@code 8KiB}, 1000 is {@code 1000B}, zero is {@code 0B}.
     *
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public static String format(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("Negative size: " + bytes);
        }
        if (bytes == 0) {
            return "0B";
        }
        if (bytes % TIB == 0) {
            return bytes / TIB + "TiB";
        }
        if (bytes % GIB == 0) {
            return bytes / GIB + "GiB";
        }
        if (bytes % MIB == 0) {
            return bytes / MIB + "MiB";
        }
        if (bytes % KIB == 0) {
            return bytes / KIB + "KiB";
        }
        return bytes + "B";
    }

    private static long multiplier(String unit) {
        if (unit == null) {
            return 1;
        }
        return switch (unit) {
            case "KiB" -> KIB;
            case "MiB" -> MIB;
            case "GiB" -> GIB;
            case "TiB" -> TIB;
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            case "TB" -> 1_000_000_000_000L;
            default -> 1; // "B"
        };
    }
}
