package dev.pibl.scoring;

import java.util.concurrent.atomic.LongAdder;

/**
 * Scoring counters: what was routed where, how the scorers fared. Updated from every event loop
 * without locks, read by the admin API.
 */
public final class ScoringStats {

    private final LongAdder[] routed;
    final LongAdder fallbacks = new LongAdder();
    final LongAdder tierChanges = new LongAdder();
    final LongAdder calls = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder circuitOpen = new LongAdder();
    final LongAdder overloaded = new LongAdder();
    final LongAdder waits = new LongAdder();
    final LongAdder shadowCalls = new LongAdder();
    final LongAdder shadowFailures = new LongAdder();

    ScoringStats(int tiers) {
        routed = new LongAdder[tiers];
        for (int i = 0; i < tiers; i++) {
            routed[i] = new LongAdder();
        }
    }

    void failed(ScorerException.Kind kind) {
        switch (kind) {
            case TIMEOUT -> timeouts.increment();
            case CIRCUIT_OPEN -> circuitOpen.increment();
            case OVERLOADED -> overloaded.increment();
            default -> errors.increment();
        }
    }

    void routed(Tier tier) {
        routed[tier.index()].increment();
    }

    /** Requests routed by tier, indexed by {@link Tier#index()}. */
    public long routed(int tierIndex) {
        return routed[tierIndex].sum();
    }

    /** Requests routed by the fallback tier because their client had no usable score. */
    public long fallbacks() {
        return fallbacks.sum();
    }

    /** Clients that moved from one tier to another. */
    public long tierChanges() {
        return tierChanges.sum();
    }

    /** Calls made to the routing scorer. */
    public long calls() {
        return calls.sum();
    }

    public long timeouts() {
        return timeouts.sum();
    }

    public long errors() {
        return errors.sum();
    }

    /** Calls refused at once because the scorer's circuit was open. */
    public long circuitOpen() {
        return circuitOpen.sum();
    }

    /** Calls refused at once because too many were in flight. */
    public long overloaded() {
        return overloaded.sum();
    }

    /** Requests that waited for their client's score: its first, or a new one after the last expired. */
    public long waits() {
        return waits.sum();
    }

    public long shadowCalls() {
        return shadowCalls.sum();
    }

    public long shadowFailures() {
        return shadowFailures.sum();
    }
}
