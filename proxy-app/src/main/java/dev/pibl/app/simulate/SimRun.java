package dev.pibl.app.simulate;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * What the clients of one run share: the target, the clock, the request budget and the latch the
 * runner waits on. Thread-safe: every client's event loop uses it at once.
 */
final class SimRun {

    private final InetSocketAddress target;
    private final String host;
    private final long endNanos;
    private final long responseTimeoutNanos;
    private final ExchangeObserver observer;
    private final AtomicLong requestsLeft;
    private final AtomicBoolean spent = new AtomicBoolean();
    private final CountDownLatch unfinished;
    private final Consumer<SimRun> onBudgetSpent;
    private volatile long startNanos;

    SimRun(InetSocketAddress target, String host, long endNanos, long maxRequests, long responseTimeoutNanos,
           int clients, ExchangeObserver observer, Consumer<SimRun> onBudgetSpent) {
        this.target = requireNonNull(target, "target");
        this.host = requireNonNull(host, "host");
        this.endNanos = endNanos;
        this.responseTimeoutNanos = responseTimeoutNanos;
        this.observer = requireNonNull(observer, "observer");
        this.requestsLeft = new AtomicLong(maxRequests);
        this.unfinished = new CountDownLatch(clients);
        this.onBudgetSpent = requireNonNull(onBudgetSpent, "onBudgetSpent");
    }

    void start() {
        startNanos = System.nanoTime();
    }

    long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    long endNanos() {
        return endNanos;
    }

    InetSocketAddress target() {
        return target;
    }

    /** The Host header: the target as the user wrote it. */
    String host() {
        return host;
    }

    long responseTimeoutNanos() {
        return responseTimeoutNanos;
    }

    ExchangeObserver observer() {
        return observer;
    }

    /** Takes one request from the budget; false once it is spent, and the first to see that stops everyone. */
    boolean takeRequest() {
        if (requestsLeft.getAndDecrement() > 0) {
            return true;
        }
        if (spent.compareAndSet(false, true)) {
            onBudgetSpent.accept(this);
        }
        return false;
    }

    void finished(SimClient client) {
        unfinished.countDown();
    }

    CountDownLatch unfinished() {
        return unfinished;
    }
}
