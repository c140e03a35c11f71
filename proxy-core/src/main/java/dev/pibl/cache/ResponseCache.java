package dev.pibl.cache;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.pibl.config.CacheConfig;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The response cache's store, Netty-free: a memory tier (Caffeine, bounded by bytes, each entry
 * expiring when it stops being worth keeping) over a {@link DiskStore} that every stored response
 * is also written to, so the cache survives a restart or a crash. Also keeps which request fields
 * each URL varies on, and the {@link Coalescer} for concurrent misses.
 *
 * <p>Keys: a URL key ({@link CachePolicy#urlKey}) names a resource; a variant key
 * ({@link CachePolicy#variantKey}) one stored response of it.
 *
 * <p>Thread-safe: called from every event loop; disk work runs on the executor given at open.
 * Memory bodies are direct buffers that are never written after they are stored; readers
 * {@code duplicate()} them.
 */
public final class ResponseCache implements AutoCloseable {

    /** Per-entry bookkeeping counted against the memory size on top of the body. */
    private static final int ENTRY_OVERHEAD = 256;

    /** A stored response and its body (position 0 to limit). */
    public record Cached(CacheEntry entry, ByteBuffer body) {
        public Cached {
            requireNonNull(entry, "entry");
            requireNonNull(body, "body");
        }
    }

    private final CacheConfig config;
    private final CachePolicy policy;
    private final Clock clock;
    private final Cache<String, Cached> memory;
    /** Per URL with Vary: the fields it varies on and the variant keys stored for it. */
    private final Cache<String, Variants> varies;
    private final CompletableFuture<DiskStore.IndexStats> indexed;
    private final DiskStore disk;
    private final Coalescer coalescer;
    private final CacheStats stats = new CacheStats();
    private final Executor io;
    private final AtomicInteger pendingStores = new AtomicInteger();

    private ResponseCache(CacheConfig config, Clock clock, DiskStore disk, Executor io) {
        this.io = io;
        this.config = config;
        this.policy = new CachePolicy(config);
        this.clock = clock;
        this.disk = disk;
        this.coalescer = new Coalescer(config.coalesceMaxWaiters());
        this.memory = Caffeine.newBuilder()
                .maximumWeight(config.memorySize())
                .weigher((String key, Cached c) -> weight(c))
                .expireAfter(new KeepUntil())
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .removalListener((String key, Cached c, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        stats.memoryEvictions.increment();
                    }
                })
                .build();
        // Bounded like the entries it describes; a lost record costs misses (its variants are found
        // again once fetched), and an invalidation of its URL then only removes what it still knows.
        this.varies = Caffeine.newBuilder().maximumSize(100_000).executor(Runnable::run).build();
        // Lookups need each URL's Vary fields: learn them from the disk once it is indexed.
        this.indexed = disk.indexed().thenApplyAsync(stats -> {
            learnVariantsFromDisk();
            return stats;
        }, io);
    }

    /**
     * Opens the cache on {@code config.directory()}: the disk index is rebuilt in the background on
     * {@code io} (lookups miss until it is), so this returns at once. Call from a plain thread.
     */
    public static ResponseCache open(CacheConfig config, Clock clock, Executor io) {
        requireNonNull(config, "config");
        requireNonNull(clock, "clock");
        requireNonNull(io, "io");
        DiskStore disk = DiskStore.open(config.directory(), config.diskSize(), config.fsync(), clock, io);
        return new ResponseCache(config, clock, disk, io);
    }

    public CachePolicy policy() {
        return policy;
    }

    public CacheConfig config() {
        return config;
    }

    public Coalescer coalescer() {
        return coalescer;
    }

    public CacheStats stats() {
        return stats;
    }

    /**
     * Runs {@code store} on the cache's executor (it copies a body into direct memory, which may
     * wait for a garbage collection: never on an event loop), then {@code after}, whatever happens.
     */
    public void storeLater(Runnable store, Runnable after) {
        pendingStores.incrementAndGet();
        try {
            io.execute(() -> {
                try {
                    store.run();
                } finally {
                    pendingStores.decrementAndGet();
                    after.run();
                }
            });
        } catch (RuntimeException rejected) { // shutting down: nothing more is stored
            pendingStores.decrementAndGet();
            after.run();
            throw rejected;
        }
    }

    /** Stores handed to {@link #storeLater} and not done yet (tests wait for 0). */
    public int pendingStores() {
        return pendingStores.get();
    }

    /** Now, in epoch milliseconds of the cache's clock. */
    public long now() {
        return clock.millis();
    }

    /** Completes when the disk index has been rebuilt after start-up. */
    public CompletableFuture<DiskStore.IndexStats> indexed() {
        return indexed;
    }

    /** The variant key {@code request} selects among the stored responses of {@code urlKey}. */
    public String variantKey(String urlKey, HeaderView request) {
        Variants v = varies.getIfPresent(urlKey);
        return v == null ? urlKey : CachePolicy.variantKey(urlKey, v.names, request);
    }

    /** The response held in memory under {@code variantKey}, or null. No I/O. */
    public Cached inMemory(String variantKey) {
        return memory.getIfPresent(variantKey);
    }

    /** What the disk holds under {@code variantKey}, from its index (no I/O), or null. */
    public CacheEntry onDisk(String variantKey) {
        return disk.lookup(variantKey);
    }

    /**
     * Reads a response from disk, checksums verified, and keeps it in memory too; null when it is
     * gone or was corrupt (then deleted). Completes on the disk executor.
     */
    public CompletableFuture<Cached> load(String variantKey) {
        return disk.read(variantKey).thenApply(stored -> {
            if (stored == null) {
                return null;
            }
            ByteBuffer body = direct(stored.body());
            Cached c = new Cached(stored.entry(), body);
            if (stored.entry().bodyLength() <= config.maxObjectSize()) {
                memory.put(variantKey, c);
            }
            return c;
        });
    }

    /** Opens a large stored body for zero-copy sending, verified first; null when gone or corrupt. */
    public CompletableFuture<DiskStore.FileBody> open(String variantKey) {
        return disk.open(variantKey);
    }

    /**
     * Stores a response under {@code entry.key()}: in memory at once, on disk in the background.
     * {@code body} must be a buffer nobody writes again.
     */
    public void store(String urlKey, CacheEntry entry, ByteBuffer body) {
        remember(urlKey, entry.key(), entry.varyNames());
        memory.put(entry.key(), new Cached(entry, body));
        stats.stored();
        disk.write(entry, body.duplicate());
    }

    /**
     * Removes every stored variant of {@code urlKey}, from memory and disk (RFC 9111 §4.4
     * invalidation). Touches only that URL's keys: it runs on event loops for every successful
     * unsafe request. Returns how many entries were stored.
     */
    public int invalidate(String urlKey) {
        Variants v = varies.asMap().remove(urlKey);
        int removed = remove(urlKey);
        if (v != null) {
            for (String key : v.keys) {
                removed += remove(key);
            }
        }
        return removed;
    }

    private int remove(String key) {
        boolean inMemory = memory.asMap().remove(key) != null;
        boolean onDisk = disk.lookup(key) != null;
        disk.remove(key);
        return inMemory || onDisk ? 1 : 0;
    }

    /** Notes that {@code key} is stored for {@code urlKey}, which varies on {@code names}. */
    private void remember(String urlKey, String key, List<String> names) {
        if (names.isEmpty()) {
            Variants old = varies.asMap().remove(urlKey);
            if (old != null) {
                old.keys.forEach(this::remove); // it no longer varies: its variants can never be hit
            }
            return;
        }
        Variants v = varies.asMap().compute(urlKey, (k, old) ->
                old != null && old.names.equals(names) ? old : new Variants(names, old));
        v.keys.add(key);
    }

    /** After a restart: which URLs vary, and their stored variants, from the disk's keys. */
    private void learnVariantsFromDisk() {
        List<String> keys = new ArrayList<>();
        disk.removeIf(key -> {
            if (key.indexOf(CachePolicy.VARY_SEPARATOR) >= 0) {
                keys.add(key);
            }
            return false; // only looking
        });
        for (String key : keys) {
            CacheEntry e = disk.lookup(key);
            if (e != null && !e.varyNames().isEmpty()) {
                remember(key.substring(0, key.indexOf(CachePolicy.VARY_SEPARATOR)), key, e.varyNames());
            }
        }
    }

    /** The Vary fields of one URL and the variant keys stored under it. */
    private static final class Variants {
        final List<String> names;
        final Set<String> keys = ConcurrentHashMap.newKeySet();

        Variants(List<String> names, Variants previous) {
            this.names = List.copyOf(names);
            if (previous != null) {
                keys.addAll(previous.keys);
            }
        }
    }

    /** Removes every entry whose URL key (host and target) matches. Returns how many. */
    public int removeIf(Predicate<String> variantKey) {
        int fromMemory = 0;
        for (String key : List.copyOf(memory.asMap().keySet())) {
            if (variantKey.test(key) && memory.asMap().remove(key) != null) {
                fromMemory++;
            }
        }
        varies.asMap().values().forEach(v -> v.keys.removeIf(variantKey));
        varies.asMap().keySet().removeIf(variantKey);
        int fromDisk = disk.removeIf(variantKey);
        return Math.max(fromMemory, fromDisk);
    }

    /**
     * Purges a URL: every variant of {@code target} on {@code host}, or on every host when
     * {@code host} is null. Returns how many entries went.
     */
    public int purge(String host, String target) {
        if (host != null) {
            return invalidate(CachePolicy.urlKey(host, target));
        }
        return removeIf(key -> target.equals(targetOf(key)));
    }

    /** The request target inside a variant key: the URL key is host + target, and a host has no '/'. */
    private static String targetOf(String variantKey) {
        int end = variantKey.indexOf(CachePolicy.VARY_SEPARATOR);
        String urlKey = end < 0 ? variantKey : variantKey.substring(0, end);
        int slash = urlKey.indexOf('/');
        return slash < 0 ? urlKey : urlKey.substring(slash);
    }

    /** Empties the cache, memory and disk. Returns how many entries there were. */
    public int clear() {
        int n = (int) Math.max(memory.estimatedSize(), disk.count());
        memory.invalidateAll();
        varies.invalidateAll();
        disk.clear();
        return n;
    }

    /** Bytes held in memory (bodies and bookkeeping). */
    public long memoryBytes() {
        return memory.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    public long memoryEntries() {
        return memory.estimatedSize();
    }

    public long diskBytes() {
        return disk.size();
    }

    public int diskEntries() {
        return disk.count();
    }

    /** Runs pending memory maintenance now (tests). */
    void cleanUp() {
        memory.cleanUp();
    }

    @Override
    public void close() {
        disk.close();
    }

    /** Copies into a direct buffer, so hits are written to sockets without another copy. */
    public static ByteBuffer direct(ByteBuffer src) {
        if (src.isDirect() && !src.isReadOnly()) {
            return src;
        }
        ByteBuffer copy = ByteBuffer.allocateDirect(src.remaining());
        copy.put(src.duplicate()).flip();
        return copy;
    }

    private static int weight(Cached c) {
        long w = ENTRY_OVERHEAD + c.body().capacity();
        for (Header h : c.entry().headers()) {
            w += h.name().length() + h.value().length() + 32;
        }
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    /** Each entry lives in memory until its keepUntil. */
    private final class KeepUntil implements Expiry<String, Cached> {
        private long left(Cached c) {
            return TimeUnit.MILLISECONDS.toNanos(Math.max(0, c.entry().keepUntil() - clock.millis()));
        }

        @Override
        public long expireAfterCreate(String key, Cached c, long currentTime) {
            return left(c);
        }

        @Override
        public long expireAfterUpdate(String key, Cached c, long currentTime, long currentDuration) {
            return left(c);
        }

        @Override
        public long expireAfterRead(String key, Cached c, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
