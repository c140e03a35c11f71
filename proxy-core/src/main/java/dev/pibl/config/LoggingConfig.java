package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The access log: {@code logging:} in the YAML.
 *
 * @param file   the rolling access-log file
 * @param stdout whether access-log lines also go to standard output
 * @param format one line of text, or one JSON object per line
 * @param detail the summary fields only, or also the request's and the response's headers
 * @param rotate when the file is rolled and how many rolled files are kept
 */
public record LoggingConfig(Path file, boolean stdout, Format format, Detail detail, Rotation rotate) {

    public LoggingConfig {
        requireNonNull(file, "file");
        requireNonNull(format, "format");
        requireNonNull(detail, "detail");
        requireNonNull(rotate, "rotate");
    }

    /** These settings with the default rotation. */
    public LoggingConfig(Path file, boolean stdout, Format format, Detail detail) {
        this(file, stdout, format, detail, Rotation.DEFAULTS);
    }

    /** This configuration with another detail level (what a reload may change). */
    public LoggingConfig withDetail(Detail newDetail) {
        return new LoggingConfig(file, stdout, format, newDetail, rotate);
    }

    /** Line format of the access log. */
    public enum Format { TEXT, JSON }

    /** How much of each exchange the access log shows. */
    public enum Detail { SUMMARY, HEADERS }

    /**
     * {@code logging.rotate}: the file is rolled at midnight UTC and whenever it reaches
     * {@code maxFileSize}, gzipped; rolled files older than {@code maxHistory} are deleted,
     * and the oldest go first while all of them together exceed {@code totalSizeCap}.
     *
     * @param maxFileSize    bytes at which the active file is rolled, at least 1
     * @param maxHistory     how long rolled files are kept: a whole number of days, at least 1
     * @param totalSizeCap   bytes all rolled files may take together; 0 for no cap
     */
    public record Rotation(long maxFileSize, Duration maxHistory, long totalSizeCap) {

        /** Daily and at 100 MiB, 14 days and 5 GiB kept. */
        public static final Rotation DEFAULTS = new Rotation(100L << 20, Duration.ofDays(14), 5L << 30);

        public Rotation {
            if (maxFileSize < 1) {
                throw new IllegalArgumentException("maxFileSize: " + maxFileSize + " (expected: at least 1)");
            }
            requireNonNull(maxHistory, "maxHistory");
            if (maxHistory.compareTo(Duration.ofDays(1)) < 0 || !maxHistory.equals(Duration.ofDays(maxHistory.toDays()))) {
                throw new IllegalArgumentException("maxHistory: " + maxHistory + " (expected: a whole number of days, at least 1)");
            }
            if (totalSizeCap < 0) {
                throw new IllegalArgumentException("totalSizeCap: " + totalSizeCap + " (expected: 0 or more)");
            }
        }
    }
}
