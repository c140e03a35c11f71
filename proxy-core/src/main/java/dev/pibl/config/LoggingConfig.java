package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The access log: {@code logging:} in the YAML.
 *
 * @param file   the rolling access-log file
 * @param stdout whether access-log lines also go to standard output
 * @param format one line of text, or one JSON object per line
 * @param detail the summary fields only, or also the request's and the response's headers
 */
public record LoggingConfig(Path file, boolean stdout, Format format, Detail detail) {

    public LoggingConfig {
        requireNonNull(file, "file");
        requireNonNull(format, "format");
        requireNonNull(detail, "detail");
    }

    /** This configuration with another detail level (what a reload may change). */
    public LoggingConfig withDetail(Detail newDetail) {
        return new LoggingConfig(file, stdout, format, newDetail);
    }

    /** Line format of the access log. */
    public enum Format { TEXT, JSON }

    /** How much of each exchange the access log shows. */
    public enum Detail { SUMMARY, HEADERS }
}
