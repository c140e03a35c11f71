package dev.pibl.logging;

/**
 * What an {@link ExchangeObserver} learns of one finished exchange: the fields of its access-log
 * line. A view valid only during {@link ExchangeObserver#completed}, on the connection's event loop.
 */
public interface CompletedExchange {

    String requestId();

    /** The request method, or {@code -} when no request was decoded (a 408 on a half-sent head). */
    String method();

    /** The request target as the client sent it, or {@code -}. */
    String uri();

    /** The status sent; 499 when the client left before a response started. */
    int status();

    /** The backend the exchange was last sent to, or null when none was (cache hits, PIBL's own answers). */
    String backend();

    /** From the request's arrival to the response's last byte (or the connection's end). */
    long durationNanos();

    /** From picking a backend to its response head, or -1 when no backend response head arrived. */
    long upstreamHeadNanos();

    /** Request body bytes received from the client. */
    long bytesIn();

    /** Response body bytes sent to the client. */
    long bytesOut();

    /** The cache's verdict (HIT, MISS, STALE...), or null when the cache stage did not answer. */
    String cacheVerdict();

    /** Why the exchange ended early ({@code client-closed}, {@code connection-closed}), or null. */
    String aborted();

    /** The reason PIBL gave when it answered with an error of its own, or null. */
    String failure();
}
