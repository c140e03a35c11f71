package dev.pibl.logging;

import java.util.List;

/**
 * What the access log knows about one exchange. Filled in by {@link AccessLogHandler} and the
 * proxy stage on the connection's event loop, then formatted once by {@link AccessLog}.
 */
final class AccessLogRecord implements CompletedExchange {
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
    /** From picking a backend to its response head; -1 when none arrived. */
    long upstreamHeadNanos = -1;
    /** The reason of an error PIBL answered itself, or null. */
    String failure;

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public String backend() {
        return backend;
    }

    @Override
    public long durationNanos() {
        return durationNanos;
    }

    @Override
    public long upstreamHeadNanos() {
        return upstreamHeadNanos;
    }

    @Override
    public long bytesIn() {
        return bytesIn;
    }

    @Override
    public long bytesOut() {
        return bytesOut;
    }

    @Override
    public String cacheVerdict() {
        return cache;
    }

    @Override
    public String aborted() {
        return aborted;
    }

    @Override
    public String failure() {
        return failure;
    }
}
