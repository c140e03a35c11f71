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

    /** Weighted round-robin over the backends {@code health} lets take traffic. */
    static LoadBalancer roundRobin(List<Backend> backends, HealthRegistry health) {
        return new WeightedRoundRobin(backends, health);
    }

    /** The backend for the next request. */
    Backend next();

    /**
     * The next available backend that is not in {@code tried}, a bit set over
     * {@link Backend#index()} (indexes of 64 and above are never excluded), or {@code null} when
     * none is left. Available means the balancer's health registry, if any, lets it take traffic.
     */
    Backend nextExcluding(long tried);

    /** Like {@link #nextExcluding} but ignoring health: panic mode, when no backend is available. */
    Backend nextIgnoringHealth(long tried);

    /** The backends this balancer chooses from, in configured order. */
    List<Backend> backends();
}
