package dev.pibl.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request coalescing (collapsed forwarding): of concurrent misses for one key, the first goes to a
 * backend and the others wait for it, so a popular object that expires costs one fetch, not one
 * per client. Waiters are bounded per key; beyond that they go to a backend themselves.
 *
 * <p>Thread-safe: leaders and waiters live on any event loop. A waiter's callback runs on the
 * thread that finishes the flight; it must hand over to its own loop.
 */
public final class Coalescer {

    private static final Logger LOG = LoggerFactory.getLogger(Coalescer.class);

    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
    private final int maxWaiters;

    public Coalescer(int maxWaiters) {
        if (maxWaiters < 0) {
            throw new IllegalArgumentException("maxWaiters: " + maxWaiters + " (expected: >= 0)");
        }
        this.maxWaiters = maxWaiters;
    }

    /**
     * Joins the flight for {@code key}. Returns a new {@link Flight} when the caller leads (it must
     * {@link Flight#finish()} it whatever happens), {@link #WAITING} when {@code onDone} will run
     * once the leader finishes (unless {@link #leave}), or {@link #ALONE} when coalescing is off or
     * the flight is full: go to a backend without waiting.
     */
    public Object join(String key, Runnable onDone) {
        if (maxWaiters == 0) {
            return ALONE;
        }
        while (true) {
            Flight mine = new Flight(key);
            Flight existing = flights.putIfAbsent(key, mine);
            if (existing == null) {
                return mine;
            }
            int joined = existing.add(onDone, maxWaiters);
            if (joined > 0) {
                return WAITING;
            }
            if (joined == 0) {
                return ALONE; // full
            }
            // Finished between the lookup and the join: try again, perhaps as the leader.
        }
    }

    /** Stops waiting: {@code onDone} will not run. Returns false if it already ran or is running. */
    public boolean leave(String key, Runnable onDone) {
        Flight f = flights.get(key);
        return f != null && f.remove(onDone);
    }

    /** How many flights are under way (for tests and metrics). */
    public int inFlight() {
        return flights.size();
    }

    /** Returned by {@link #join} to a waiter. */
    public static final Object WAITING = new Object() {
        @Override
        public String toString() {
            return "WAITING";
        }
    };

    /** Returned by {@link #join} when the caller must not wait. */
    public static final Object ALONE = new Object() {
        @Override
        public String toString() {
            return "ALONE";
        }
    };

    /** One leader's fetch and the clients waiting for it. */
    public final class Flight {
        private final String key;
        private List<Runnable> waiters = new ArrayList<>(4);

        private Flight(String key) {
            this.key = key;
        }

        /** 1 when added, 0 when full, -1 when already finished. */
        private synchronized int add(Runnable waiter, int max) {
            if (waiters == null) {
                return -1;
            }
            if (waiters.size() >= max) {
                return 0;
            }
            waiters.add(waiter);
            return 1;
        }

        private synchronized boolean remove(Runnable waiter) {
            return waiters != null && waiters.remove(waiter);
        }

        /** Ends the flight and runs every waiter's callback, on this thread. Idempotent. */
        public void finish() {
            List<Runnable> done;
            synchronized (this) {
                done = waiters;
                waiters = null;
            }
            flights.remove(key, this);
            if (done == null) {
                return;
            }
            for (Runnable waiter : done) {
                try {
                    waiter.run();
                } catch (RuntimeException e) { // its loop is shutting down: the others still go on
                    LOG.debug("a coalesced waiter could not be resumed: {}", e.toString());
                }
            }
        }
    }
}
