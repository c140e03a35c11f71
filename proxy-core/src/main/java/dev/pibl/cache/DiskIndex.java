package dev.pibl.cache;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The in-memory side of the {@link DiskStore}: which file each key has, in least-recently-used
 * order with their total bytes, and the order of events that decides which of two racing
 * operations on one key wins. Knows nothing of files.
 *
 * <p>Every write, removal and eviction takes a number from one sequence when it happens; files
 * found at start-up count as 0, older than all of them. A write may install its file only if
 * nothing newer happened to its key: neither a newer write installed, nor a removal, purge or
 * eviction numbered after it. Removals are remembered only while some write in flight (or the
 * rebuild) is older than them, so the memory stays small.
 *
 * <p>Thread-safe. {@link #get} takes no lock, for lookups on event loops; every other method holds
 * this object's monitor briefly, on event loops (removals) or io threads (the rest).
 */
final class DiskIndex {

    /** One indexed file. Compared by identity: each install makes a new one. */
    static final class Slot {
        final CacheEntry entry;
        final long fileBytes;
        /** The write that made it; 0 for files found by the rebuild. */
        final long seq;

        Slot(CacheEntry entry, long fileBytes, long seq) {
            this.entry = entry;
            this.fileBytes = fileBytes;
            this.seq = seq;
        }
    }

    /** A key that left the index at {@code seq}, whose file is to be deleted. */
    record Removal(String key, long seq) {
    }

    /** Keys that left the index at once, at {@code seq}. */
    record Removals(long seq, List<String> keys) {
    }

    /** A file the rebuild found intact: its entry, size, modification time and name. */
    record Found(CacheEntry entry, long fileBytes, long modified, String name) {
    }

    /** What indexing the rebuild's files did: files to delete, and the totals afterwards. */
    record Merged(List<String> purged, List<Removal> evicted, int entries, long bytes) {
    }

    private record Purge(long seq, Predicate<String> keys) {
    }

    private final long maxBytes;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private volatile long bytes;

    // Guarded by this.
    private LinkedHashMap<String, Slot> lru = new LinkedHashMap<>(16, 0.75f, true);
    private long sequence;
    private boolean rebuilding = true;
    private boolean closed;
    /** Tickets of the writes started and not finished. */
    private final TreeSet<Long> inflight = new TreeSet<>();
    /** The latest removal per key, for as long as a write in flight or the rebuild is older. */
    private final Map<String, Long> removedAt = new HashMap<>();
    /** The same removals in the order they happened, so they can be forgotten oldest first. */
    private final ArrayDeque<Removal> removals = new ArrayDeque<>();
    private final List<Purge> purges = new ArrayList<>();

    DiskIndex(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    Slot get(String key) {
        return slots.get(key);
    }

    long bytes() {
        return bytes;
    }

    int count() {
        return slots.size();
    }

    /** How many removals and purges it remembers: for tests of that memory's bounds. */
    synchronized int remembered() {
        return removals.size() + purges.size();
    }

    /** Numbers a new write; 0 once closed. */
    synchronized long startWrite() {
        if (closed) {
            return 0;
        }
        long ticket = ++sequence;
        inflight.add(ticket);
        return ticket;
    }

    synchronized void finishWrite(long ticket) {
        inflight.remove(ticket);
        trim();
    }

    /** Refuses writes from now on; false when it already did. */
    synchronized boolean close() {
        boolean wasOpen = !closed;
        closed = true;
        return wasOpen;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Whether write {@code ticket} may still become its key's file. */
    synchronized boolean mayInstall(String key, long ticket) {
        Slot current = slots.get(key);
        if (current != null && current.seq > ticket) {
            return false;
        }
        Long removed = removedAt.get(key);
        if (removed != null && removed > ticket) {
            return false;
        }
        for (Purge p : purges) {
            if (p.seq() > ticket && p.keys().test(key)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Indexes the file of write {@code ticket} as the most recently used, unless it may no longer
     * install; returns null then, else the entries evicted to make room.
     */
    synchronized List<Removal> installIfCurrent(String key, long ticket, CacheEntry entry, long fileBytes) {
        if (!mayInstall(key, ticket)) {
            return null;
        }
        Slot slot = new Slot(entry, fileBytes, ticket);
        Slot old = slots.put(key, slot);
        lru.put(key, slot);
        bytes += fileBytes - (old == null ? 0 : old.fileBytes);
        return evict();
    }

    /** Write {@code ticket} stores nothing, yet outdates what its key had; false if it is outdated itself. */
    synchronized boolean emptyIfCurrent(String key, long ticket) {
        if (!mayInstall(key, ticket)) {
            return false;
        }
        unindex(key);
        remember(key, ticket);
        return true;
    }

    /** Removes the key, indexed or not yet; returns the removal's number. */
    synchronized long remove(String key) {
        unindex(key);
        long seq = ++sequence;
        remember(key, seq);
        return seq;
    }

    /** Removes every key {@code keys} accepts, also those of writes in flight and files not indexed yet. */
    synchronized Removals removeIf(Predicate<String> keys) {
        long seq = ++sequence;
        List<String> removed = new ArrayList<>();
        for (Iterator<Map.Entry<String, Slot>> it = lru.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Slot> e = it.next();
            if (keys.test(e.getKey())) {
                it.remove();
                slots.remove(e.getKey());
                bytes -= e.getValue().fileBytes;
                removed.add(e.getKey());
            }
        }
        if (pending()) {
            purges.add(new Purge(seq, keys));
        }
        return new Removals(seq, removed);
    }

    /** Removes {@code slot}, expired, if it is still the key's; returns the removal's number, or 0. */
    synchronized long expire(String key, Slot slot) {
        return slots.get(key) == slot ? remove(key) : 0;
    }

    /** Forgets {@code slot} (its file is gone) if it is still the key's. */
    synchronized void forget(String key, Slot slot) {
        if (slots.get(key) == slot) {
            unindex(key);
        }
    }

    /**
     * Forgets {@code slot} (its file is damaged) unless the key has another slot by now, whose
     * file then replaced the damaged one; returns whether the file should be deleted.
     */
    synchronized boolean forgetDamaged(String key, Slot slot) {
        Slot current = slots.get(key);
        if (current != null && current != slot) {
            return false;
        }
        unindex(key);
        return true;
    }

    /** The key was used: it becomes the most recently used. */
    synchronized void touch(String key) {
        lru.get(key);
    }

    /** Whether a write numbered after {@code seq} has installed the key's current file. */
    synchronized boolean replacedAfter(String key, long seq) {
        Slot current = slots.get(key);
        return current != null && current.seq > seq;
    }

    /**
     * Indexes the files the rebuild found as less recently used than anything written since,
     * oldest modification first, except those whose keys were written or removed meanwhile.
     */
    synchronized Merged finishRebuild(List<Found> found) {
        List<Found> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingLong(Found::modified).thenComparing(Found::name));
        List<String> purged = new ArrayList<>();
        LinkedHashMap<String, Slot> order = new LinkedHashMap<>(
                Math.max(16, (int) ((sorted.size() + lru.size()) / 0.75f) + 1), 0.75f, true);
        for (Found f : sorted) {
            String key = f.entry().key();
            if (slots.containsKey(key)) {
                continue; // written since the start: its file replaced this one
            }
            if (!mayInstall(key, 0)) {
                purged.add(key);
                continue;
            }
            Slot slot = new Slot(f.entry(), f.fileBytes(), 0);
            slots.put(key, slot);
            order.put(key, slot);
            bytes += f.fileBytes();
        }
        order.putAll(lru);
        lru = order;
        rebuilding = false;
        List<Removal> evicted = evict();
        trim();
        return new Merged(purged, evicted, slots.size(), bytes);
    }

    /** The rebuild gave up: what it found stays unindexed. */
    synchronized void abortRebuild() {
        rebuilding = false;
        trim();
    }

    private List<Removal> evict() {
        List<Removal> evicted = new ArrayList<>();
        for (Iterator<Map.Entry<String, Slot>> it = lru.entrySet().iterator(); bytes > maxBytes && it.hasNext(); ) {
            Map.Entry<String, Slot> eldest = it.next();
            it.remove();
            slots.remove(eldest.getKey());
            bytes -= eldest.getValue().fileBytes;
            long seq = ++sequence;
            remember(eldest.getKey(), seq);
            evicted.add(new Removal(eldest.getKey(), seq));
        }
        return evicted;
    }

    private void unindex(String key) {
        Slot old = slots.remove(key);
        if (old != null) {
            lru.remove(key);
            bytes -= old.fileBytes;
        }
    }

    private boolean pending() {
        return rebuilding || !inflight.isEmpty();
    }

    private void remember(String key, long seq) {
        if (pending()) {
            removedAt.merge(key, seq, Math::max);
            removals.addLast(new Removal(key, seq));
        }
    }

    /** Forgets the removals that no write in flight, nor the rebuild, is older than. */
    private void trim() {
        if (rebuilding) {
            return;
        }
        long oldest = inflight.isEmpty() ? Long.MAX_VALUE : inflight.first();
        while (!removals.isEmpty() && removals.peekFirst().seq() < oldest) {
            Removal r = removals.pollFirst();
            removedAt.remove(r.key(), r.seq());
        }
        purges.removeIf(p -> p.seq() < oldest);
    }
}
