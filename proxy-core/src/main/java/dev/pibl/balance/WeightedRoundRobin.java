package dev.pibl.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round-robin over a precomputed cycle.
 *
 * <p>The cycle is built once with the interleaving nginx uses (each step, every backend gains its
 * weight and the richest one is picked and pays the total), so weights 5:1:1 give
 * {@code a a b a c a a} rather than five a's in a row. One shared counter indexes the cycle, which
 * makes the shares exact over any full cycle whichever event loops made the picks, at the cost of
 * one uncontended atomic increment per request.
 */
final class WeightedRoundRobin implements LoadBalancer {

    private final List<Backend> backends;
    private final Backend[] cycle;
    private final AtomicLong counter = new AtomicLong();
    private final HealthRegistry health;

    WeightedRoundRobin(List<Backend> backends) {
        this(backends, null);
    }

    WeightedRoundRobin(List<Backend> backends, HealthRegistry health) {
        this.health = health;
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("backends: [] (expected: at least one backend)");
        }
        this.backends = List.copyOf(backends);
        this.cycle = buildCycle(this.backends);
    }

    private static Backend[] buildCycle(List<Backend> backends) {
        int total = 0;
        for (Backend b : backends) {
            total = Math.addExact(total, b.weight());
        }
        long[] current = new long[backends.size()];
        List<Backend> order = new ArrayList<>(total);
        for (int step = 0; step < total; step++) {
            int best = 0;
            for (int i = 0; i < current.length; i++) {
                current[i] += backends.get(i).weight();
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order.add(backends.get(best));
        }
        return order.toArray(new Backend[0]);
    }

    @Override
    public Backend next() {
        return at(counter.getAndIncrement());
    }

    @Override
    public Backend nextExcluding(long tried) {
        // One counter value, then a walk over the whole cycle from it: other event loops moving
        // the shared counter meanwhile cannot make this miss an available backend.
        long start = counter.getAndIncrement();
        for (int pass = 0; pass < 2; pass++) {
            // Pass 0 honours slow start; pass 1 runs only if slow start turned every backend down.
            // A backend that turned this pick down is not asked again in the same pass: with weights
            // its turns sit next to each other in the cycle, and each ask is another draw of its
            // slow-start share, which would give it several times the share the ramp intends.
            long skip = tried;
            Backend refused = null; // for indexes of 64 and above, which the bit set cannot hold
            for (int i = 0; i < cycle.length; i++) {
                Backend b = at(start + i);
                if (b == refused || (b.index() < 64 && (skip & (1L << b.index())) != 0)) {
                    continue;
                }
                if (health == null || health.tryAcquire(b, pass == 0)) {
                    return b;
                }
                refused = b;
                if (b.index() < 64) {
                    skip |= 1L << b.index();
                }
            }
            if (health == null) {
                break;
            }
        }
        return null;
    }

    @Override
    public Backend nextIgnoringHealth(long tried) {
        long start = counter.getAndIncrement();
        for (int i = 0; i < cycle.length; i++) {
            Backend b = at(start + i);
            if (b.index() >= 64 || (tried & (1L << b.index())) == 0) {
                return b;
            }
        }
        return null;
    }

    private Backend at(long position) {
        return cycle[(int) Long.remainderUnsigned(position, cycle.length)];
    }

    @Override
    public List<Backend> backends() {
        return backends;
    }

    /** The precomputed cycle, for tests. */
    List<Backend> cycle() {
        return List.of(cycle);
    }
}
