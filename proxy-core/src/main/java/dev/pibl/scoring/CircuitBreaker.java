package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops calling a failing service for a while, so that a scorer that is down costs each request a
 * rejection instead of a timeout, and the service gets room to recover. After
 * {@code failureThreshold} consecutive failures the circuit opens for {@code openFor}: every call
 * is refused. Then it is half-open: one trial call goes through while the others are still
 * refused; the trial's success closes the circuit, its failure opens it for another period.
 *
 * <p>Outcomes are reported in no particular order by calls that overlap, so they are read as the
 * latest evidence: while half-open, any success closes the circuit and any failure reopens it
 * (a call that started before the circuit opened counts like the trial); while open, outcomes are
 * ignored, so the period is not stretched by calls that were already under way. A caller that was
 * let through must report exactly one outcome, or a half-open circuit waits for its trial forever.
 *
 * <p>Thread-safe: called from every event loop. The common case (closed, no failures) reads two
 * volatile fields; changes take the instance's lock. Time is the injected nanosecond clock.
 */
public final class CircuitBreaker {

    /** Where the circuit stands, as counters and the admin API show it. */
    public enum State {
        /** Calls go through. */
        CLOSED,
        /** Calls are refused until the open period ends. */
        OPEN,
        /** The open period has ended: one trial call goes through, the others are refused. */
        HALF_OPEN
    }

    private final int failureThreshold;
    private final long openForNanos;
    private final LongSupplier nanoClock;
    // Written under the lock; volatile so the closed-circuit fast paths can read them without it.
    private volatile State state = State.CLOSED;
    private volatile int consecutiveFailures;
    private long openedAtNanos;
    private boolean trialInFlight;

    public CircuitBreaker(int failureThreshold, Duration openFor, LongSupplier nanoClock) {
        requireNonNull(openFor, "openFor");
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold: " + failureThreshold + " (expected: >= 1)");
        }
        if (openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("openFor: " + openFor + " (expected: > 0)");
        }
        this.failureThreshold = failureThreshold;
        this.openForNanos = openFor.toNanos();
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Asks to make a call: true lets it through (and the caller then reports its outcome with
     * {@link #onSuccess} or {@link #onFailure}), false means the circuit refuses it.
     */
    public boolean tryAcquire() {
        if (state == State.CLOSED) {
            return true;
        }
        synchronized (this) {
            switch (state) {
                case CLOSED:
                    return true;
                case OPEN:
                    if (!openPeriodOver()) {
                        return false;
                    }
                    state = State.HALF_OPEN;
                    trialInFlight = true;
                    return true;
                default:
                    if (trialInFlight) {
                        return false;
                    }
                    trialInFlight = true;
                    return true;
            }
        }
    }

    /** A call that was let through succeeded. */
    public void onSuccess() {
        if (state == State.CLOSED && consecutiveFailures == 0) {
            return;
        }
        synchronized (this) {
            if (state == State.OPEN) {
                return;
            }
            state = State.CLOSED;
            consecutiveFailures = 0;
            trialInFlight = false;
        }
    }

    /** A call that was let through failed (an error or a timeout). */
    public synchronized void onFailure() {
        switch (state) {
            case CLOSED:
                consecutiveFailures++;
                if (consecutiveFailures >= failureThreshold) {
                    open();
                }
                return;
            case HALF_OPEN:
                open();
                return;
            default:
                // already open: the period runs from the failure that opened it
        }
    }

    /**
     * The state now: an open circuit whose period has ended shows as half-open, although it only
     * moves there when the next call asks.
     */
    public synchronized State state() {
        if (state == State.OPEN && openPeriodOver()) {
            return State.HALF_OPEN;
        }
        return state;
    }

    private void open() {
        state = State.OPEN;
        openedAtNanos = nanoClock.getAsLong();
        trialInFlight = false;
        consecutiveFailures = 0;
    }

    private boolean openPeriodOver() {
        return nanoClock.getAsLong() - openedAtNanos >= openForNanos;
    }
}
