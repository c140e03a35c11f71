package dev.pibl.logging;

/**
 * What the access log knows about one exchange. Filled in by {@link AccessLogHandler} and the
 * proxy stage on the connection's event loop, then formatted once by {@link AccessLog}.
 */
final class AccessLogRecord {
    String requestId;
    long startNanos;
    String method = "-";
    String uri = "-";
    String protocol = "-";
    String clientIp;
    String requestHeaders;
    int status;
    String responseHeaders;
    long bytesIn;
    long bytesOut;
    String backend;
    long upstreamNanos = -1;
    long durationNanos;
    boolean responseStarted;
    /** The cache's X-Cache verdict (HIT, MISS...), or null when the cache stage is off. */
    String cache;
    /** The scoring stage's part of the line, or null when it did not see the request. */
    ScoreNote scoring;
    /** Why the exchange ended without a complete response, or null when it completed. */
    String aborted;
}
