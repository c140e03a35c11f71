package dev.pibl.logging;

/**
 * Told of every exchange once, when its access-log line is written: the hook metrics hang on, so
 * each exchange is counted where it is logged and never twice. Netty-free.
 *
 * <p>Called on the client connection's event loop, from every event loop at once: implementations
 * are thread-safe, never block, and should not allocate on the common path.
 */
@FunctionalInterface
public interface ExchangeObserver {

    /**
     * One exchange ended (completed, or aborted when its connection closed). {@code exchange} is
     * valid only during the call: copy what must be kept.
     */
    void completed(CompletedExchange exchange);
}
