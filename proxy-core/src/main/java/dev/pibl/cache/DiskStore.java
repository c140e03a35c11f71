package dev.pibl.cache;

import static java.util.Objects.requireNonNull;

import dev.pibl.cache.DiskFormat.CorruptFileException;
import dev.pibl.cache.DiskFormat.Head;
import dev.pibl.config.CacheConfig;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk tier of the response cache: every stored response in its own file (layout in
 * {@link DiskFormat} and docs/caching-disk-format.md), so the cache survives a restart or a
 * crash, with an in-memory index of the metadata (no bodies) and least-recently-used eviction by
 * file bytes. Netty-free.
 *
 * <p>Threads: {@link #lookup}, {@link #remove}, {@link #removeIf}, {@link #clear}, {@link #size},
 * {@link #count} and the calls that start {@link #write}, {@link #read} and {@link #open} are made
 * on event loops and never block or touch the disk; every file operation runs on the injected
 * {@code io} executor, and the returned futures complete on an io thread (hop back with
 * {@code eventLoop.execute}). {@link #open(Path, long, CacheConfig.Fsync, Clock, Executor)} and
 * {@link #close()} are called by the thread that starts and stops the proxy.
 *
 * <p>Crash safety: a file is written whole to {@code tmp/} and renamed over its final name, so
 * at any instant a name holds a complete old file or a complete new one; a crash leaves at most
 * a temporary file, deleted on the next start. A file damaged anyway (disk, hand edit) fails a
 * checksum and is deleted instead of served.
 *
 * <p>Ordering: every write, removal and eviction takes a number from one sequence when it is
 * called. A write installs its file only if nothing newer happened to its key since: neither a
 * newer write (which keeps its file) nor a removal, purge or eviction (which wins over an
 * older write still in flight). Files of one key are renamed and deleted under a lock striped
 * by file name, so the index and the file of a key never disagree about which write won.
 */
public final class DiskStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DiskStore.class);

    private static final String TMP = "tmp";
    private static final int STRIPES = 64;
    private static final long CLOSE_WAIT_MILLIS = 5_000;
    private static final int VERIFY_CHUNK = 64 * 1024;
    private static final int MAX_REBUILD_WARNINGS = 20;

    /**
     * How the rebuild of the index at start-up went: entries and bytes indexed when it finished,
     * files it deleted (damaged, foreign, expired, or left in tmp/ by a crash), and how long it took.
     * Immutable.
     */
    public record IndexStats(int entries, long bytes, int dropped, long millis) {
    }

    /**
     * A stored response read whole: its entry and a heap buffer of exactly its body, the
     * receiver's to keep. Handed over on an io thread.
     */
    public record Stored(CacheEntry entry, ByteBuffer body) {
    }

    /**
     * A stored response checked whole and left open for zero-copy sending: send
     * [{@code bodyOffset}, {@code bodyOffset + bodyLength}) of {@code channel}, then close it (a
     * Netty {@code DefaultFileRegion} over the channel closes it when released). The channel is
     * the very file that was checked, opened before it returned: if the key is replaced meanwhile
     * (a rename) or evicted (an unlink), this channel keeps reading the old inode, so a body never
     * mixes two files. Do not reopen {@code file}: it is here for logging only and may by now
     * name another file. Handed over on an io thread; whoever receives it must close it, also
     * when it is no longer wanted.
     */
    public record FileBody(CacheEntry entry, Path file, FileChannel channel, long bodyOffset, long bodyLength)
            implements Closeable {

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private final Path root;
    private final Path tmp;
    private final long maxBytes;
    private final boolean fsync;
    private final Clock clock;
    private final Executor io;
    /** Prefixes this opening's temporary files, so the rebuild deletes only those of earlier runs. */
    private final String instance;
    private final Object[] stripes = new Object[STRIPES];
    /** Read without a lock by lookups; changed only under {@link #lock}, together with {@link #lru}. */
    private final ConcurrentHashMap<String, Slot> index = new ConcurrentHashMap<>();
    private final CompletableFuture<IndexStats> indexed = new CompletableFuture<>();
    /** Writes, deletions and the rebuild that {@link #close()} waits for. */
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

    private final Object lock = new Object();
    // Guarded by lock.
    private LinkedHashMap<String, Slot> lru = new LinkedHashMap<>(16, 0.75f, true);
    private long sequence;
    private boolean rebuilding = true;
    private boolean closed;
    /** Tickets of writes started and not finished. */
    private final TreeSet<Long> inflight = new TreeSet<>();
    /**
     * Removals a write in flight or the rebuild must not undo: kept only while one of them is
     * older than the removal, in {@code removals} order so they can be dropped oldest first.
     */
    private final Map<String, Long> removedAt = new HashMap<>();
    private final ArrayDeque<Removal> removals = new ArrayDeque<>();
    private final List<Purge> purges = new ArrayList<>();
    private volatile long bytes;

    /** One indexed file. Compared by identity: each write makes a new one. */
    private static final class Slot {
        final CacheEntry entry;
        final long fileBytes;
        /** The write that made it; 0 for files found by the rebuild, older than anything since. */
        final long seq;

        Slot(CacheEntry entry, long fileBytes, long seq) {
            this.entry = entry;
            this.fileBytes = fileBytes;
            this.seq = seq;
        }
    }

    private record Removal(String key, long seq) {
    }

    private record Purge(long seq, Predicate<String> keys) {
    }

    private record Found(CacheEntry entry, long fileBytes, long modified, String name) {
    }

    private DiskStore(Path root, long maxBytes, CacheConfig.Fsync fsync, Clock clock, Executor io) {
        this.root = root;
        this.tmp = root.resolve(TMP);
        this.maxBytes = maxBytes;
        this.fsync = fsync == CacheConfig.Fsync.ALWAYS;
        this.clock = clock;
        this.io = io;
        this.instance = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /**
     * Opens the store in {@code directory}, creating it if missing, and starts rebuilding the index
     * from its files on {@code io}; returns without waiting for that (see {@link #indexed()}).
     *
     * @param maxBytes the most file bytes kept; the least recently used files go beyond it
     * @param fsync    whether each file and its directory entry are forced to the device
     * @param clock    decides when an entry's {@code keepUntil} has passed
     * @param io       runs every file operation; may have any number of threads
     * @throws UncheckedIOException when the directory cannot be created
     */
    public static DiskStore open(Path directory, long maxBytes, CacheConfig.Fsync fsync, Clock clock, Executor io) {
        requireNonNull(directory, "directory");
        requireNonNull(fsync, "fsync");
        requireNonNull(clock, "clock");
        requireNonNull(io, "io");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
        }
        try {
            Files.createDirectories(directory.resolve(TMP));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cache directory " + directory, e);
        }
        DiskStore store = new DiskStore(directory, maxBytes, fsync, clock, io);
        store.new Rebuild().start();
        return store;
    }

    /**
     * Completes once the files present at start-up are indexed (or dropped); exceptionally when
     * the store was closed first. Until then lookups of those entries miss.
     */
    public CompletableFuture<IndexStats> indexed() {
        return indexed.copy();
    }

    /**
     * The entry stored for {@code key}, from memory only; {@code null} when there is none or its
     * {@code keepUntil} has come (then its file is deleted on io). Does not count as a use.
     */
    public CacheEntry lookup(String key) {
        Slot slot = index.get(requireNonNull(key, "key"));
        if (slot == null) {
            return null;
        }
        if (expired(slot.entry)) {
            expire(key, slot);
            return null;
        }
        return slot.entry;
    }

    /**
     * Stores {@code entry} with {@code body} (exactly {@code entry.bodyLength()} bytes, left
     * untouched), replacing what was stored for its key, unless a removal of the key comes first.
     * An entry whose file alone exceeds the store's size is not stored; it still replaces (removes)
     * the older one. Completes once the index shows the outcome; fails with the I/O error, or
     * {@link IllegalStateException} after {@link #close()}.
     */
    public CompletableFuture<Void> write(CacheEntry entry, ByteBuffer body) {
        requireNonNull(entry, "entry");
        requireNonNull(body, "body");
        if (body.remaining() != entry.bodyLength()) {
            throw new IllegalArgumentException("body: " + body.remaining() + " bytes (expected: bodyLength "
                    + entry.bodyLength() + ")");
        }
        long ticket;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("disk store closed"));
            }
            ticket = ++sequence;
            inflight.add(ticket);
        }
        ByteBuffer bytes = body.duplicate();
        CompletableFuture<Void> done = track(new CompletableFuture<>());
        try {
            io.execute(() -> {
                Throwable failure = null;
                try {
                    store(entry, bytes, ticket);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    finished(ticket);
                }
                complete(done, null, failure);
            });
        } catch (RejectedExecutionException e) {
            finished(ticket);
            done.completeExceptionally(e);
        }
        return done;
    }

    /**
     * Reads the file of {@code key} whole and checks it; {@code null} when there is none, or when
     * it was damaged (then it is deleted and a warning logged). Counts as a use.
     */
    public CompletableFuture<Stored> read(String key) {
        requireNonNull(key, "key");
        return supply(() -> {
            Slot slot = current(key);
            if (slot == null) {
                return null;
            }
            String name = DiskFormat.fileName(key);
            Path file = DiskFormat.path(root, name);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                if (size > Integer.MAX_VALUE - 16) {
                    throw new IOException(file + ": " + size + " bytes is too large to read whole; use open()");
                }
                ByteBuffer whole = ByteBuffer.allocate((int) size);
                DiskFormat.readFully(channel, whole, 0);
                Head head = checkHead(DiskFormat.decodeHead(whole.flip(), size), key);
                int bodyCrc = whole.getInt((int) size - DiskFormat.CRC_BYTES);
                ByteBuffer body = whole.position((int) head.bodyOffset())
                        .limit((int) (head.bodyOffset() + head.entry().bodyLength())).slice();
                if (DiskFormat.crc(body.duplicate()) != bodyCrc) {
                    throw new CorruptFileException("body checksum mismatch");
                }
                used(key, file);
                return new Stored(head.entry(), body);
            } catch (NoSuchFileException e) {
                dropMissing(key, slot);
                return null;
            } catch (CorruptFileException e) {
                dropCorrupt(key, slot, name, e.getMessage());
                return null;
            }
        });
    }

    /**
     * Opens the file of {@code key} and checks it whole like {@link #read}, but hands back the open
     * channel and where its body lies instead of the bytes; {@code null} when missing or damaged.
     * Counts as a use.
     */
    public CompletableFuture<FileBody> open(String key) {
        requireNonNull(key, "key");
        return supply(() -> {
            Slot slot = current(key);
            if (slot == null) {
                return null;
            }
            String name = DiskFormat.fileName(key);
            Path file = DiskFormat.path(root, name);
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                dropMissing(key, slot);
                return null;
            }
            try {
                Head head = checkHead(DiskFormat.readHead(channel, channel.size()), key);
                checkBody(channel, head);
                used(key, file);
                return new FileBody(head.entry(), file, channel, head.bodyOffset(), head.entry().bodyLength());
            } catch (CorruptFileException e) {
                channel.close();
                dropCorrupt(key, slot, name, e.getMessage());
                return null;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        });
    }

    /** Forgets {@code key} at once (lookups miss from now on) and deletes its file on io. */
    public void remove(String key) {
        requireNonNull(key, "key");
        long seq;
        synchronized (lock) {
            unindex(key);
            seq = ++sequence;
            recordRemoval(key, seq);
        }
        deleteLater(List.of(key), seq);
    }

    /**
     * Forgets every key {@code keys} accepts, also those of writes still in flight and of files
     * not indexed yet; their files are deleted on io. {@code keys} runs under the store's lock:
     * keep it quick. Returns how many indexed entries went.
     */
    public int removeIf(Predicate<String> keys) {
        requireNonNull(keys, "keys");
        List<String> removed = new ArrayList<>();
        long seq;
        synchronized (lock) {
            seq = ++sequence;
            for (Iterator<Map.Entry<String, Slot>> it = lru.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Slot> e = it.next();
                if (keys.test(e.getKey())) {
                    it.remove();
                    index.remove(e.getKey());
                    bytes -= e.getValue().fileBytes;
                    removed.add(e.getKey());
                }
            }
            if (pendingLocked()) {
                purges.add(new Purge(seq, keys));
            }
        }
        deleteLater(removed, seq);
        return removed.size();
    }

    /** Forgets everything at once; the files are deleted on io. */
    public void clear() {
        removeIf(key -> true);
    }

    /** Bytes of the indexed files. */
    public long size() {
        return bytes;
    }

    /** How many entries are indexed. */
    public int count() {
        return index.size();
    }

    /**
     * Refuses writes from now on and waits, at most a few seconds, for the writes and deletions
     * under way and for the rebuild to stop. Safe to call twice.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
                    .get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("Disk cache closed with {} file operations still running after {} ms", pending.size(),
                    CLOSE_WAIT_MILLIS);
        } catch (ExecutionException e) {
            // Each failure was reported to whoever started that operation.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- writing -------------------------------------------------------------------------

    private void store(CacheEntry entry, ByteBuffer body, long ticket) throws IOException {
        String key = entry.key();
        String name = DiskFormat.fileName(key);
        Path file = DiskFormat.path(root, name);
        ByteBuffer head = DiskFormat.encodeHead(entry);
        long fileBytes = DiskFormat.fileSize(head.remaining(), entry.bodyLength());
        if (fileBytes > maxBytes) {
            storeNothing(key, file, name, ticket);
            return;
        }
        Path temp = tmp.resolve(instance + "-" + ticket + ".tmp");
        try {
            writeTemp(temp, head, body);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        List<Removal> evicted = List.of();
        synchronized (stripe(name)) {
            synchronized (lock) {
                if (!mayInstall(key, ticket)) {
                    deleteQuietly(temp);
                    return;
                }
            }
            // Holding the stripe, no other write of this key renames until we are done, and no
            // newer one can have installed since the check: only a removal can still come.
            try {
                moveIntoPlace(temp, file);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(temp);
                throw e;
            }
            boolean installed;
            synchronized (lock) {
                installed = mayInstall(key, ticket);
                if (installed) {
                    evicted = install(key, new Slot(entry, fileBytes, ticket));
                }
            }
            if (!installed) {
                deleteQuietly(file); // removed while it was being renamed
            }
        }
        for (Removal r : evicted) {
            deleteUnlessReplaced(r.key(), r.seq());
        }
    }

    /** An entry too large to keep: what was stored for its key is outdated all the same. */
    private void storeNothing(String key, Path file, String name, long ticket) {
        synchronized (stripe(name)) {
            synchronized (lock) {
                if (!mayInstall(key, ticket)) {
                    return;
                }
                unindex(key);
                recordRemoval(key, ticket);
            }
            deleteQuietly(file);
        }
    }

    private void writeTemp(Path temp, ByteBuffer head, ByteBuffer body) throws IOException {
        ByteBuffer trailer = ByteBuffer.allocate(DiskFormat.CRC_BYTES).putInt(DiskFormat.crc(body.duplicate())).flip();
        ByteBuffer[] parts = {head, body, trailer};
        try (FileChannel channel = createTemp(temp)) {
            while (trailer.hasRemaining()) {
                channel.write(parts);
            }
            if (fsync) {
                channel.force(true);
            }
        }
    }

    private FileChannel createTemp(Path temp) throws IOException {
        try {
            return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            Files.createDirectories(tmp); // someone removed tmp/ under us
            return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    private void moveIntoPlace(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException e) {
            if (!Files.exists(temp)) {
                throw e;
            }
            Files.createDirectories(file.getParent());
            if (fsync) {
                forceDirectory(root);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        if (fsync) {
            forceDirectory(file.getParent());
        }
    }

    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private void finished(long ticket) {
        synchronized (lock) {
            inflight.remove(ticket);
            trimLocked();
        }
    }

    // ---- the index (all *Locked methods and those they call hold lock) ------------------

    /** Whether a write numbered {@code ticket} may still become the key's file. */
    private boolean mayInstall(String key, long ticket) {
        Slot current = index.get(key);
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

    private List<Removal> install(String key, Slot slot) {
        Slot old = index.put(key, slot);
        lru.put(key, slot);
        bytes += slot.fileBytes - (old == null ? 0 : old.fileBytes);
        return evictLocked();
    }

    private List<Removal> evictLocked() {
        List<Removal> evicted = new ArrayList<>();
        for (Iterator<Map.Entry<String, Slot>> it = lru.entrySet().iterator(); bytes > maxBytes && it.hasNext(); ) {
            Map.Entry<String, Slot> eldest = it.next();
            it.remove();
            index.remove(eldest.getKey());
            bytes -= eldest.getValue().fileBytes;
            long seq = ++sequence;
            recordRemoval(eldest.getKey(), seq);
            evicted.add(new Removal(eldest.getKey(), seq));
        }
        return evicted;
    }

    private void unindex(String key) {
        Slot old = index.remove(key);
        if (old != null) {
            lru.remove(key);
            bytes -= old.fileBytes;
        }
    }

    private boolean pendingLocked() {
        return rebuilding || !inflight.isEmpty();
    }

    private void recordRemoval(String key, long seq) {
        if (pendingLocked()) {
            removedAt.merge(key, seq, Math::max);
            removals.addLast(new Removal(key, seq));
        }
    }

    /** Forgets the removals no write in flight (nor the rebuild) is older than. */
    private void trimLocked() {
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

    // ---- reading -------------------------------------------------------------------------

    /** The key's slot, or null when absent or expired (then it goes). */
    private Slot current(String key) {
        Slot slot = index.get(key);
        if (slot != null && expired(slot.entry)) {
            expire(key, slot);
            return null;
        }
        return slot;
    }

    private boolean expired(CacheEntry entry) {
        return clock.millis() >= entry.keepUntil();
    }

    private void expire(String key, Slot slot) {
        long seq;
        synchronized (lock) {
            if (index.get(key) != slot) {
                return;
            }
            unindex(key);
            seq = ++sequence;
            recordRemoval(key, seq);
        }
        deleteLater(List.of(key), seq);
    }

    private static Head checkHead(Head head, String key) throws CorruptFileException {
        if (!head.entry().key().equals(key)) {
            throw new CorruptFileException("holds another key");
        }
        return head;
    }

    private static void checkBody(FileChannel channel, Head head) throws IOException, CorruptFileException {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(VERIFY_CHUNK, Math.max(head.entry().bodyLength(), 4)));
        long at = head.bodyOffset();
        long end = at + head.entry().bodyLength();
        while (at < end) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), end - at));
            DiskFormat.readFully(channel, chunk, at);
            at += chunk.position();
            crc.update(chunk.flip());
        }
        ByteBuffer trailer = ByteBuffer.allocate(DiskFormat.CRC_BYTES);
        DiskFormat.readFully(channel, trailer, end);
        if ((int) crc.getValue() != trailer.getInt(0)) {
            throw new CorruptFileException("body checksum mismatch");
        }
    }

    /** A successful read: the entry becomes the most recently used, here and after a restart. */
    private void used(String key, Path file) {
        synchronized (lock) {
            lru.get(key);
        }
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // Only the order of eviction after a restart depends on it.
        }
    }

    private void dropMissing(String key, Slot slot) {
        synchronized (lock) {
            if (index.get(key) == slot) {
                unindex(key);
            }
        }
    }

    private void dropCorrupt(String key, Slot slot, String name, String reason) {
        Path file = DiskFormat.path(root, name);
        synchronized (stripe(name)) {
            synchronized (lock) {
                Slot current = index.get(key);
                if (current != null && current != slot) {
                    return; // replaced since: the damaged file is gone already
                }
                unindex(key);
            }
            deleteQuietly(file);
        }
        log.warn("Dropped corrupt cache file {}: {}", file, reason);
    }

    // ---- deleting ------------------------------------------------------------------------

    private void deleteLater(List<String> keys, long seq) {
        if (keys.isEmpty()) {
            return;
        }
        Runnable task = () -> {
            for (String key : keys) {
                deleteUnlessReplaced(key, seq);
            }
        };
        CompletableFuture<Void> done = track(new CompletableFuture<>());
        try {
            io.execute(() -> {
                try {
                    task.run();
                } finally {
                    done.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            // io is shutting down: deleting now beats the files coming back at the next start.
            task.run();
            done.complete(null);
        }
    }

    /** Deletes the key's file unless a write newer than removal {@code seq} has installed one. */
    private void deleteUnlessReplaced(String key, long seq) {
        String name = DiskFormat.fileName(key);
        synchronized (stripe(name)) {
            synchronized (lock) {
                Slot current = index.get(key);
                if (current != null && current.seq > seq) {
                    return;
                }
            }
            deleteQuietly(DiskFormat.path(root, name));
        }
    }

    private static boolean deleteQuietly(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("Could not delete {}", file, e);
            return false;
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    private Object stripe(String fileName) {
        return stripes[Integer.parseInt(fileName, 0, 2, 16) & (STRIPES - 1)];
    }

    private <T extends CompletableFuture<?>> T track(T future) {
        pending.add(future);
        future.whenComplete((v, e) -> pending.remove(future));
        return future;
    }

    private interface IoTask<T> {
        T call() throws IOException;
    }

    private <T> CompletableFuture<T> supply(IoTask<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            io.execute(() -> {
                T value = null;
                Throwable failure = null;
                try {
                    value = task.call();
                } catch (Throwable t) {
                    failure = t;
                }
                complete(result, value, failure);
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private static <T> void complete(CompletableFuture<T> future, T value, Throwable failure) {
        if (failure == null) {
            future.complete(value);
        } else {
            future.completeExceptionally(failure instanceof IOException io ? new UncheckedIOException(io) : failure);
        }
    }

    // ---- rebuilding the index at start-up ------------------------------------------------

    /**
     * Walks tmp/ and the 256 subdirectories one io task at a time, so other file operations
     * interleave with it, then indexes what it found in one step, oldest modification first.
     */
    private final class Rebuild {
        private final long started = System.nanoTime();
        private final List<Found> found = new ArrayList<>();
        private final CompletableFuture<Void> done = track(new CompletableFuture<>());
        private int dropped;
        private int warned;
        private int nextDirectory = -1; // -1 is tmp/

        void start() {
            next();
        }

        private void next() {
            try {
                io.execute(this::step);
            } catch (RejectedExecutionException e) {
                fail(e);
            }
        }

        private void step() {
            try {
                if (isClosed()) {
                    fail(new CancellationException("disk store closed before its index was rebuilt"));
                    return;
                }
                if (nextDirectory < 0) {
                    deleteOldTemporaryFiles();
                } else if (nextDirectory < 256) {
                    scan(String.format("%02x", nextDirectory));
                } else {
                    finish();
                    return;
                }
                nextDirectory++;
            } catch (Throwable t) {
                fail(t);
                return;
            }
            next();
        }

        private void deleteOldTemporaryFiles() throws IOException {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
                for (Path file : files) {
                    if (!file.getFileName().toString().startsWith(instance + "-") && deleteQuietly(file)) {
                        dropped++;
                    }
                }
            } catch (NoSuchFileException e) {
                // nothing to clean
            }
        }

        private void scan(String directory) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(root.resolve(directory))) {
                for (Path file : files) {
                    scanFile(directory, file);
                }
            } catch (NoSuchFileException | NotDirectoryException e) {
                // no file was ever written under this prefix, or the name is not ours
            } catch (IOException | DirectoryIteratorException e) {
                log.warn("Could not list cache directory {}, its files are not indexed: {}", root.resolve(directory),
                        e.toString());
            }
        }

        private void scanFile(String directory, Path file) {
            String name = file.getFileName().toString();
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return; // deleted since it was listed
            }
            if (attributes.isDirectory()) {
                return; // not ours to delete
            }
            if (!attributes.isRegularFile() || !DiskFormat.isFileName(name) || !name.startsWith(directory)) {
                drop(file, "not a cache file name");
                return;
            }
            synchronized (stripe(name)) {
                Head head;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    head = DiskFormat.readHead(channel, channel.size());
                } catch (NoSuchFileException e) {
                    return;
                } catch (CorruptFileException e) {
                    drop(file, e.getMessage());
                    return;
                } catch (IOException e) {
                    log.warn("Could not read cache file {}, left in place: {}", file, e.toString());
                    return;
                }
                if (!DiskFormat.fileName(head.entry().key()).equals(name)) {
                    drop(file, "its name is not the hash of the key it holds");
                    return;
                }
                if (expired(head.entry())) {
                    if (!index.containsKey(head.entry().key()) && deleteQuietly(file)) {
                        dropped++;
                    }
                    return;
                }
                found.add(new Found(head.entry(), head.fileSize(), attributes.lastModifiedTime().toMillis(), name));
            }
        }

        private void drop(Path file, String reason) {
            if (!deleteQuietly(file)) {
                return;
            }
            dropped++;
            if (warned++ < MAX_REBUILD_WARNINGS) {
                log.warn("Dropped cache file {}: {}", file, reason);
            }
        }

        private void finish() {
            found.sort(Comparator.comparingLong(Found::modified).thenComparing(Found::name));
            List<String> purged = new ArrayList<>();
            List<Removal> evicted;
            int entries;
            long total;
            synchronized (lock) {
                LinkedHashMap<String, Slot> order = new LinkedHashMap<>(
                        Math.max(16, (int) ((found.size() + lru.size()) / 0.75f) + 1), 0.75f, true);
                for (Found f : found) {
                    String key = f.entry().key();
                    if (index.containsKey(key)) {
                        continue; // written since the start: newer than this file, which it replaced
                    }
                    if (!mayInstall(key, 0)) {
                        purged.add(key);
                        continue;
                    }
                    Slot slot = new Slot(f.entry(), f.fileBytes(), 0);
                    index.put(key, slot);
                    order.put(key, slot);
                    bytes += f.fileBytes();
                }
                order.putAll(lru); // what was written since the start is the most recent
                lru = order;
                rebuilding = false;
                evicted = evictLocked();
                trimLocked();
                entries = index.size();
                total = bytes;
            }
            for (String key : purged) {
                deleteUnlessReplaced(key, 0);
            }
            for (Removal r : evicted) {
                deleteUnlessReplaced(r.key(), r.seq());
            }
            if (warned > MAX_REBUILD_WARNINGS) {
                log.warn("Dropped {} more damaged or foreign cache files", warned - MAX_REBUILD_WARNINGS);
            }
            IndexStats stats = new IndexStats(entries, total, dropped,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            log.info("Disk cache indexed: {} entries, {} bytes, {} files dropped, in {} ms", stats.entries(),
                    stats.bytes(), stats.dropped(), stats.millis());
            done.complete(null);
            indexed.complete(stats);
        }

        private void fail(Throwable t) {
            synchronized (lock) {
                rebuilding = false;
                trimLocked();
            }
            if (!(t instanceof CancellationException)) {
                log.error("Disk cache index rebuild failed; entries found so far are not indexed", t);
            }
            done.complete(null);
            indexed.completeExceptionally(t);
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }
}
