package dev.pibl.metrics;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The last few exchanges that ended in a 5xx or were cut short, newest first, for the status
 * page. A fixed ring of reused slots, so recording allocates nothing and memory is bounded.
 * Thread-safe: event loops record (only on errors, so the lock is rarely contended), the admin
 * executor reads.
 */
public final class RecentErrors {

    /** One exchange as the status page lists it. Immutable. */
    public record Entry(Instant time, String requestId, int status, String method, String uri, String backend,
            String reason) {
    }

    private static final class Slot {
        long epochMillis;
        String requestId;
        int status;
        String method;
        String uri;
        String backend;
        String reason;
    }

    private final Slot[] ring;
    private int next;
    private int size;

    public RecentErrors(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        ring = new Slot[capacity];
        for (int i = 0; i < capacity; i++) {
            ring[i] = new Slot();
        }
    }

    /** Remembers one exchange, forgetting the oldest when full. */
    public synchronized void add(long epochMillis, String requestId, int status, String method, String uri,
            String backend, String reason) {
        Slot s = ring[next];
        s.epochMillis = epochMillis;
        s.requestId = requestId;
        s.status = status;
        s.method = method;
        s.uri = uri;
        s.backend = backend;
        s.reason = requireNonNull(reason, "reason");
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** What is remembered, newest first. */
    public synchronized List<Entry> newestFirst() {
        List<Entry> list = new ArrayList<>(size);
        for (int i = 1; i <= size; i++) {
            Slot s = ring[Math.floorMod(next - i, ring.length)];
            list.add(new Entry(Instant.ofEpochMilli(s.epochMillis), s.requestId, s.status, s.method, s.uri, s.backend,
                    s.reason));
        }
        return list;
    }
}
