package dev.pibl.balance;

import java.util.List;

/**
 * Chooses the backend for the next request. Implementations are thread-safe and lock-free: every
 * event loop calls {@link #next()} concurrently on the request path.
 */
public interface LoadBalancer {

    /**
     * Weighted round-robin: over every full cycle of {@code sum(weights)} picks, made from any mix
     * of threads, each backend is picked exactly {@code weight} times, interleaved smoothly.
     */
    static LoadBalancer roundRobin(List<Backend> backends) {
        return new WeightedRoundRobin(backends);
    }

    /** The backend for the next request. */
    Backend next();

    /**
     * The next backend that is not in {@code tried}, a bit set over {@link Backend#index()}
     * (indexes of 64 and above are never excluded), or {@code null} when every backend was tried.
     */
    Backend nextExcluding(long tried);

    /** The backends this balancer chooses from, in configured order. */
    List<Backend> backends();
}
