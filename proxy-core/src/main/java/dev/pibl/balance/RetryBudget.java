package dev.pibl.balance;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Caps retries to a share of the traffic, so that a failing backend cannot multiply the load on
 * the others through retries (Finagle's and Linkerd's retry budget). A token bucket: every request
 * deposits {@code percent}/100 of a token, every second adds {@code minPerSecond} tokens so that a
 * quiet proxy can still retry, and every retry takes one whole token; the bucket holds at most
 * {@code max(100, 10 × minPerSecond)} tokens. Thread-safe and lock-free; time is the injected clock.
 */
public final class RetryBudget {

    private static final long UNIT = 1_000_000L; // tokens are counted in millionths
    private static final long REFILL_STEP_NANOS = 10_000_000L;

    private final long depositPerRequest;
    private final long refillPerSecond;
    private final long cap;
    private final LongSupplier nanoTime;
    private final AtomicLong tokens;
    private final AtomicLong lastRefill;
    private final LongAdder retries = new LongAdder();
    private final LongAdder refusals = new LongAdder();

    public RetryBudget(int percent, int minPerSecond, LongSupplier nanoTime) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: 0-100)");
        }
        if (minPerSecond < 0) {
            throw new IllegalArgumentException("minPerSecond: " + minPerSecond + " (expected: >= 0)");
        }
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        this.depositPerRequest = percent * UNIT / 100;
        this.refillPerSecond = minPerSecond * UNIT;
        this.cap = Math.max(100, 10L * minPerSecond) * UNIT;
        this.tokens = new AtomicLong(Math.min(cap, refillPerSecond)); // a second's worth to start with
        this.lastRefill = new AtomicLong(nanoTime.getAsLong());
    }

    /** A new request arrived: it earns the budget its share of a retry. */
    public void onRequest() {
        if (depositPerRequest > 0 && tokens.get() < cap) {
            add(depositPerRequest);
        }
    }

    /**
     * Whether a retry could be taken now; spends nothing. A look before choosing a backend for the
     * retry, which is then paid for with {@link #tryRetry()} (that may still say no: the budget is
     * shared by every event loop).
     */
    public boolean canRetry() {
        refill();
        if (tokens.get() >= UNIT) {
            return true;
        }
        refusals.increment();
        return false;
    }

    /** Takes one retry from the budget; false when the budget is spent. */
    public boolean tryRetry() {
        refill();
        long t;
        do {
            t = tokens.get();
            if (t < UNIT) {
                refusals.increment();
                return false;
            }
        } while (!tokens.compareAndSet(t, t - UNIT));
        retries.increment();
        return true;
    }

    /** Retries taken from the budget since start. */
    public long retries() {
        return retries.sum();
    }

    /**
     * Times the budget said no ({@link #canRetry} or {@link #tryRetry}) since start: each one a
     * request that was not retried.
     */
    public long refusals() {
        return refusals.sum();
    }

    private void refill() {
        if (refillPerSecond == 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        long last = lastRefill.get();
        long elapsed = now - last;
        if (elapsed >= REFILL_STEP_NANOS && lastRefill.compareAndSet(last, now)) {
            add((long) (refillPerSecond * (elapsed / 1e9)));
        }
    }

    private void add(long amount) {
        tokens.accumulateAndGet(amount, (t, a) -> Math.min(cap, t + a));
    }
}
