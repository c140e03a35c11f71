package dev.pibl.cache;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the cache answered, for the admin API and logs. Thread-safe: event loops add,
 * anyone reads.
 */
public final class CacheStats {

    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder stale = new LongAdder();
    final LongAdder revalidated = new LongAdder();
    final LongAdder bypasses = new LongAdder();
    final LongAdder stores = new LongAdder();
    final LongAdder bytesServed = new LongAdder();
    final LongAdder memoryEvictions = new LongAdder();
    final LongAdder coalesced = new LongAdder();

    /** Counts one answer by its X-Cache value, with the body bytes a hit sent. */
    public void answered(String xCache, long bodyBytes) {
        switch (xCache) {
            case "HIT" -> hits.increment();
            case "STALE" -> stale.increment();
            case "REVALIDATED" -> revalidated.increment();
            case "BYPASS" -> bypasses.increment();
            default -> misses.increment();
        }
        if (!"MISS".equals(xCache) && !"BYPASS".equals(xCache)) {
            bytesServed.add(bodyBytes);
        }
    }

    void stored() {
        stores.increment();
    }

    /** A miss waited for another client's fetch instead of making its own. */
    public void coalesced() {
        coalesced.increment();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long stale() {
        return stale.sum();
    }

    public long revalidated() {
        return revalidated.sum();
    }

    public long bypasses() {
        return bypasses.sum();
    }

    public long stores() {
        return stores.sum();
    }

    public long bytesServed() {
        return bytesServed.sum();
    }

    public long memoryEvictions() {
        return memoryEvictions.sum();
    }

    public long coalescedCount() {
        return coalesced.sum();
    }
}
