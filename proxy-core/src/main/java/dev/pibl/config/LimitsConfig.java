package dev.pibl.config;

/**
 * Limits on client requests: {@code server.limits:} in the YAML.
 *
 * @param maxRequestLine longest request line in bytes; longer gets 414
 * @param maxHeaderSize  largest header block in bytes; larger gets 431
 * @param maxHeaders     most header fields in one request; more gets 431
 * @param maxBodySize    largest request body in bytes, 0 for no limit; larger gets 413
 */
public record LimitsConfig(int maxRequestLine, int maxHeaderSize, int maxHeaders, long maxBodySize) {
}
