package dev.pibl.cache;

import static java.util.Objects.requireNonNull;

import dev.pibl.cache.DiskFormat.CorruptFileException;
import dev.pibl.cache.DiskFormat.Head;
import dev.pibl.cache.DiskIndex.Found;
import dev.pibl.cache.DiskIndex.Merged;
import dev.pibl.cache.DiskIndex.Removal;
import dev.pibl.cache.DiskIndex.Removals;
import dev.pibl.cache.DiskIndex.Slot;
import dev.pibl.config.CacheConfig;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
 * a temporary file, deleted at the next start. A file damaged anyway (disk, hand edit) fails a
 * checksum and is deleted instead of served. A removal is durable once its file is unlinked, on
 * io shortly after the call: a crash before that brings the entry back at the next start.
 *
 * <p>Races: {@link DiskIndex} decides which of two operations on one key wins (a removal wins
 * over an older write still in flight, a newer write over an older removal); renames and
 * deletions of one key's file happen under a lock striped by file name, together with the index
 * change they go with, so the index and the file of a key never disagree about the winner.
 */
public final class DiskStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DiskStore.class);

    private static final String TMP = "tmp";
    /** Held by the store that uses the directory; the rebuild leaves root files alone. */
    private static final String LOCK = ".lock";
    private static final int STRIPES = 64;
    /** The rebuild scans this many directories at once, on as many io threads as there are. */
    private static final int REBUILD_LANES = 4;
    private static final long CLOSE_WAIT_MILLIS = 5_000;
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
    private final DiskIndex index;
    /** Prefixes this opening's temporary files, so the rebuild deletes only those of earlier runs. */
    private final String instance;
    private final Object[] stripes = new Object[STRIPES];
    private final CompletableFuture<IndexStats> indexed = new CompletableFuture<>();
    /** Writes, deletions and the rebuild, which {@link #close()} waits for. */
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    /** Holds the directory's lock file; closed (and the lock freed) by {@link #close()}. */
    private final FileChannel lock;

    private DiskStore(Path root, long maxBytes, CacheConfig.Fsync fsync, Clock clock, Executor io, FileChannel lock) {
        this.lock = lock;
        this.root = root;
        this.tmp = root.resolve(TMP);
        this.maxBytes = maxBytes;
        this.fsync = fsync == CacheConfig.Fsync.ALWAYS;
        this.clock = clock;
        this.io = io;
        this.index = new DiskIndex(maxBytes);
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
     * @param clock    decides when an entry's {@code keepUntil} has come
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
        DiskStore store = new DiskStore(directory, maxBytes, fsync, clock, io, lock(directory));
        store.new Rebuild().start();
        return store;
    }

    /**
     * Takes {@code directory/.lock} for this store's lifetime: two stores on one directory would
     * delete each other's files in flight, so the second is refused. The operating system frees
     * the lock when a process dies, so a crash never leaves the directory locked.
     */
    private static FileChannel lock(Path directory) {
        Path file = directory.resolve(LOCK);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException sameProcess) {
            // held by another store of this process: refused below like any other holder
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock the cache directory " + directory + " (" + file + ")", e);
        }
        closeQuietly(channel);
        throw new IllegalStateException("the cache directory " + directory + " is in use by another PIBL (it holds "
                + file + "; expected: each PIBL its own cache.directory)");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // only the lock's file: nothing was written to it
            }
        }
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
     * {@code keepUntil} has come (at or after it; its file is then deleted on io). Does not count
     * as a use.
     */
    public CacheEntry lookup(String key) {
        Slot slot = current(requireNonNull(key, "key"));
        return slot == null ? null : slot.entry;
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
        long ticket = index.startWrite();
        if (ticket == 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("disk store closed"));
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
                    index.finishWrite(ticket);
                }
                complete(done, null, failure);
            });
        } catch (RejectedExecutionException e) {
            index.finishWrite(ticket);
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
                Head head = checkKey(DiskFormat.decodeHead(whole.flip(), size), key);
                ByteBuffer body = DiskFormat.checkedBody(whole, head);
                used(key, file);
                return new Stored(head.entry(), body);
            } catch (NoSuchFileException e) {
                index.forget(key, slot);
                return null;
            } catch (CorruptFileException e) {
                dropDamaged(key, slot, name, e.getMessage());
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
                index.forget(key, slot);
                return null;
            }
            try {
                Head head = checkKey(DiskFormat.readHead(channel, channel.size()), key);
                DiskFormat.checkBody(channel, head);
                used(key, file);
                return new FileBody(head.entry(), file, channel, head.bodyOffset(), head.entry().bodyLength());
            } catch (CorruptFileException e) {
                channel.close();
                dropDamaged(key, slot, name, e.getMessage());
                return null;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        });
    }

    /** Forgets {@code key} at once (lookups miss from now on) and deletes its file on io. */
    public void remove(String key) {
        long seq = index.remove(requireNonNull(key, "key"));
        deleteLater(List.of(key), seq);
    }

    /**
     * Forgets every key {@code keys} accepts, also those of writes still in flight and of files
     * not indexed yet; their files are deleted on io. {@code keys} runs under the index's lock:
     * keep it quick. Returns how many indexed entries went.
     */
    public int removeIf(Predicate<String> keys) {
        Removals removed = index.removeIf(requireNonNull(keys, "keys"));
        deleteLater(removed.keys(), removed.seq());
        return removed.keys().size();
    }

    /** Forgets everything at once; the files are deleted on io. */
    public void clear() {
        removeIf(key -> true);
    }

    /** Bytes of the indexed files. */
    public long size() {
        return index.bytes();
    }

    /** How many entries are indexed. */
    public int count() {
        return index.count();
    }

    /**
     * Refuses writes from now on and waits, at most a few seconds, for the writes and deletions
     * under way and for the rebuild to stop. Safe to call twice.
     */
    @Override
    public void close() {
        if (!index.close()) {
            return;
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
        closeQuietly(lock); // closing the channel releases the lock
    }

    // ---- writing -------------------------------------------------------------------------

    private void store(CacheEntry entry, ByteBuffer body, long ticket) throws IOException {
        String key = entry.key();
        String name = DiskFormat.fileName(key);
        Path file = DiskFormat.path(root, name);
        ByteBuffer head = DiskFormat.encodeHead(entry);
        long fileBytes = DiskFormat.fileSize(head.remaining(), entry.bodyLength());
        if (fileBytes > maxBytes) {
            synchronized (stripe(name)) {
                if (index.emptyIfCurrent(key, ticket)) {
                    deleteQuietly(file);
                }
            }
            return;
        }
        Path temp = tmp.resolve(instance + "-" + ticket + ".tmp");
        try {
            writeTemp(temp, head, body);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        List<Removal> evicted;
        synchronized (stripe(name)) {
            if (!index.mayInstall(key, ticket)) {
                deleteQuietly(temp);
                return;
            }
            // Holding the stripe, no other write of this key renames until we are done, and none
            // newer can have installed since the check: only a removal can still come.
            try {
                moveIntoPlace(temp, file);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(temp);
                throw e;
            }
            evicted = index.installIfCurrent(key, ticket, entry, fileBytes);
            if (evicted == null) {
                deleteQuietly(file); // removed while it was being renamed
                return;
            }
        }
        for (Removal r : evicted) {
            deleteUnlessReplaced(r.key(), r.seq());
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
            Files.createDirectories(file.getParent()); // the first file under this prefix
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

    // ---- reading -------------------------------------------------------------------------

    /** The key's slot, or null when absent or expired (then it goes). */
    private Slot current(String key) {
        Slot slot = index.get(key);
        if (slot == null || !expired(slot.entry)) {
            return slot;
        }
        long seq = index.expire(key, slot);
        if (seq != 0) {
            deleteLater(List.of(key), seq);
        }
        return null;
    }

    private boolean expired(CacheEntry entry) {
        return clock.millis() >= entry.keepUntil();
    }

    private static Head checkKey(Head head, String key) throws CorruptFileException {
        if (!head.entry().key().equals(key)) {
            throw new CorruptFileException("holds another key");
        }
        return head;
    }

    /** A successful read: the entry becomes the most recently used, here and after a restart. */
    private void used(String key, Path file) {
        index.touch(key);
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // Only the order of eviction after a restart depends on it.
        }
    }

    private void dropDamaged(String key, Slot slot, String name, String reason) {
        Path file = DiskFormat.path(root, name);
        synchronized (stripe(name)) {
            if (!index.forgetDamaged(key, slot)) {
                return; // replaced since it was read: the damaged file is gone already
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

    /** Deletes the key's file unless a write numbered after removal {@code seq} has installed one. */
    private void deleteUnlessReplaced(String key, long seq) {
        String name = DiskFormat.fileName(key);
        synchronized (stripe(name)) {
            if (!index.replacedAfter(key, seq)) {
                deleteQuietly(DiskFormat.path(root, name));
            }
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
            future.completeExceptionally(failure instanceof IOException e ? new UncheckedIOException(e) : failure);
        }
    }

    // ---- rebuilding the index at start-up ------------------------------------------------

    /**
     * Walks tmp/ and the 256 subdirectories, one directory per io task so other file operations
     * interleave with it, in {@link #REBUILD_LANES} chains of tasks at once; then indexes what it
     * found in one step. Files are parsed under their stripe, so a write renaming a file over the
     * one being read waits, and a file judged damaged is the one deleted.
     */
    private final class Rebuild {
        private final long started = System.nanoTime();
        private final ConcurrentLinkedQueue<Found> found = new ConcurrentLinkedQueue<>();
        private final AtomicInteger nextDirectory = new AtomicInteger(-1); // -1 is tmp/
        private final AtomicInteger lanes = new AtomicInteger(REBUILD_LANES);
        private final AtomicInteger dropped = new AtomicInteger();
        private final AtomicInteger warned = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final CompletableFuture<Void> done = track(new CompletableFuture<>());

        void start() {
            for (int i = 0; i < REBUILD_LANES; i++) {
                next();
            }
        }

        private void next() {
            try {
                io.execute(this::step);
            } catch (RejectedExecutionException e) {
                failure.compareAndSet(null, e);
                laneDone();
            }
        }

        private void step() {
            try {
                if (index.isClosed()) {
                    failure.compareAndSet(null, new CancellationException("disk store closed before its index was rebuilt"));
                }
                int directory = failure.get() == null ? nextDirectory.getAndIncrement() : 256;
                if (directory < 256) {
                    if (directory < 0) {
                        deleteOldTemporaryFiles();
                    } else {
                        scan(String.format("%02x", directory));
                    }
                    next();
                    return;
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            laneDone();
        }

        private void laneDone() {
            if (lanes.decrementAndGet() > 0) {
                return;
            }
            Throwable t = failure.get();
            if (t == null) {
                finish();
            } else {
                fail(t);
            }
        }

        private void deleteOldTemporaryFiles() throws IOException {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
                for (Path file : files) {
                    if (!file.getFileName().toString().startsWith(instance + "-") && deleteQuietly(file)) {
                        dropped.incrementAndGet();
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
            if (!DiskFormat.isFileName(name) || !name.startsWith(directory)) {
                BasicFileAttributes attributes = attributes(file);
                if (attributes != null && !attributes.isDirectory()) {
                    drop(file, "not a cache file name");
                }
                return;
            }
            synchronized (stripe(name)) {
                BasicFileAttributes attributes = attributes(file);
                if (attributes == null || attributes.isDirectory()) {
                    return; // gone since it was listed, or not ours to delete
                }
                if (!attributes.isRegularFile()) {
                    drop(file, "not a regular file");
                    return;
                }
                Head head;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    head = DiskFormat.readHead(channel, attributes.size());
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
                    if (index.get(head.entry().key()) == null && deleteQuietly(file)) {
                        dropped.incrementAndGet();
                    }
                    return;
                }
                found.add(new Found(head.entry(), head.fileSize(), attributes.lastModifiedTime().toMillis(), name));
            }
        }

        private BasicFileAttributes attributes(Path file) {
            try {
                return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return null;
            }
        }

        private void drop(Path file, String reason) {
            if (!deleteQuietly(file)) {
                return;
            }
            dropped.incrementAndGet();
            if (warned.getAndIncrement() < MAX_REBUILD_WARNINGS) {
                log.warn("Dropped cache file {}: {}", file, reason);
            }
        }

        private void finish() {
            Merged merged = index.finishRebuild(new ArrayList<>(found));
            for (String key : merged.purged()) {
                deleteUnlessReplaced(key, 0);
            }
            for (Removal r : merged.evicted()) {
                deleteUnlessReplaced(r.key(), r.seq());
            }
            if (warned.get() > MAX_REBUILD_WARNINGS) {
                log.warn("Dropped {} more damaged or foreign cache files", warned.get() - MAX_REBUILD_WARNINGS);
            }
            IndexStats stats = new IndexStats(merged.entries(), merged.bytes(), dropped.get(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            log.info("Disk cache indexed: {} entries, {} bytes, {} files dropped, in {} ms", stats.entries(),
                    stats.bytes(), stats.dropped(), stats.millis());
            done.complete(null);
            indexed.complete(stats);
        }

        private void fail(Throwable t) {
            index.abortRebuild();
            if (!(t instanceof CancellationException)) {
                log.error("Disk cache index rebuild failed; the files found are not indexed", t);
            }
            done.complete(null);
            indexed.completeExceptionally(t);
        }
    }
}
