package dev.pibl.logging;

import java.util.List;

/**
 * What the access log knows about one exchange. Filled in by {@link AccessLogHandler} and the
 * proxy stage on the connection's event loop, then formatted once by {@link AccessLog}.
 */
final class AccessLogRecord {
    String requestId;
    long startNanos;
    /** The request line's parts; null when a response came without a request (a 408 on a half-sent head). */
    String method;
    String uri;
    String protocol;
    String clientIp;
    /** Whether this exchange's headers are logged: the detail in force when it started. */
    boolean withHeaders;
    /** Captured headers ({@link AccessLog#capture}), or null when not logged. */
    List<String> requestHeaders;
    int status;
    List<String> responseHeaders;
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
