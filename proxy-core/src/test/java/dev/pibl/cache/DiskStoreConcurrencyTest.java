package dev.pibl.cache;

import static dev.pibl.cache.DiskEntries.NOW;
import static dev.pibl.cache.DiskEntries.body;
import static dev.pibl.cache.DiskEntries.bytes;
import static dev.pibl.cache.DiskEntries.entry;
import static dev.pibl.cache.DiskEntries.fileOf;
import static dev.pibl.cache.DiskEntries.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.CacheConfig.Fsync;
import dev.pibl.testing.MutableClock;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes, removals, purges, reads and evictions of a few keys from several threads onto a
 * four-thread io pool. Whatever interleaving happened, nothing damaged or mismatched is ever
 * served, and once quiet the index, the files and a rebuilt index all agree.
 */
class DiskStoreConcurrencyTest {

    private static final int KEYS = 12;
    private static final int CALLERS = 3;
    private static final int OPS = 600;

    @TempDir
    Path dir;

    private final ExecutorService io = Executors.newFixedThreadPool(4);
    private final MutableClock clock = new MutableClock(NOW);
    private final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stop() throws Exception {
        io.shutdownNow();
        assertThat(io.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static int length(int version) {
        return 100 + version % 900;
    }

    private void check(CacheEntry entry, ByteBuffer body, String how) {
        int version = DiskEntries.version(entry);
        if (!entry.equals(entry(entry.key(), version, length(version)))
                || !ByteBuffer.wrap(bytes(body)).equals(body(entry.key(), version, length(version)))) {
            wrong.add(how + " of " + entry.key() + " version " + version);
        }
    }

    @RepeatedTest(3)
    void everythingAgreesOnceQuiet() throws Exception {
        // Room for about six of the twelve keys, so evictions race with the rest too.
        DiskStore store = DiskStore.open(dir, 6 * 1_000, Fsync.NEVER, clock, io);
        List<CompletableFuture<?>> all = new ArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            int caller = c;
            callers.add(new Thread(() -> {
                SplittableRandom random = new SplittableRandom(caller);
                List<CompletableFuture<?>> mine = new ArrayList<>();
                for (int i = 0; i < OPS; i++) {
                    String key = "k" + random.nextInt(KEYS);
                    int version = caller * OPS + i;
                    int op = random.nextInt(20);
                    if (op < 9) {
                        mine.add(store.write(entry(key, version, length(version)), body(key, version, length(version))));
                    } else if (op < 13) {
                        mine.add(store.read(key).thenAccept(s -> {
                            if (s != null) {
                                check(s.entry(), s.body(), "read");
                            }
                        }));
                    } else if (op < 16) {
                        mine.add(store.open(key).thenAccept(f -> {
                            if (f != null) {
                                try (f) {
                                    ByteBuffer body = ByteBuffer.allocate((int) f.bodyLength());
                                    while (body.hasRemaining()) {
                                        f.channel().read(body, f.bodyOffset() + body.position());
                                    }
                                    check(f.entry(), body.flip(), "open");
                                } catch (Exception e) {
                                    wrong.add("open failed: " + e);
                                }
                            }
                        }));
                    } else if (op < 19) {
                        store.remove(key);
                    } else {
                        store.removeIf(k -> k.endsWith("1"));
                    }
                }
                synchronized (all) {
                    all.addAll(mine);
                }
            }));
        }
        callers.forEach(Thread::start);
        for (Thread t : callers) {
            t.join();
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        store.close(); // waits for the deletions still queued

        assertThat(wrong).isEmpty();
        assertThat(files(dir.resolve("tmp"))).isEmpty();
        assertThat(store.size()).isEqualTo(DiskEntries.totalBytes(dir)).isLessThanOrEqualTo(6 * 1_000);
        List<CacheEntry> indexed = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            String key = "k" + k;
            CacheEntry entry = store.lookup(key);
            assertThat(Files.exists(fileOf(dir, key))).as(key + " has a file iff indexed").isEqualTo(entry != null);
            indexed.add(entry);
        }
        assertThat(files(dir)).hasSize(store.count());

        DiskStore reopened = DiskStore.open(dir, 6 * 1_000, Fsync.NEVER, clock, Runnable::run);
        for (int k = 0; k < KEYS; k++) {
            String key = "k" + k;
            assertThat(reopened.lookup(key)).as(key).isEqualTo(indexed.get(k));
            DiskStore.Stored stored = reopened.read(key).join();
            if (stored != null) {
                check(stored.entry(), stored.body(), "read after restart");
            }
        }
        assertThat(wrong).isEmpty();
        reopened.close();
    }
}
