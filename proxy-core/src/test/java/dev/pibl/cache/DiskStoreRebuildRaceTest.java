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
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes and removals made while the index is still being rebuilt are not undone by it. */
class DiskStoreRebuildRaceTest {

    /**
     * tmp/ and the 256 subdirectories, one io task each; the tasks after them find nothing left
     * to scan, and the last of them indexes what was found.
     */
    private static final int SCAN_STEPS = 257;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);
    private final ManualExecutor io = new ManualExecutor();

    @BeforeEach
    void fill() {
        try (DiskStore store = DiskStore.open(dir, 1L << 30, Fsync.NEVER, clock, Runnable::run)) {
            for (String key : new String[] {"a", "b", "c", "/img/1", "/img/2"}) {
                store.write(entry(key, 1, 10), body(key, 1, 10)).join();
            }
        }
    }

    private DiskStore reopen() {
        return DiskStore.open(dir, 1L << 30, Fsync.NEVER, clock, io);
    }

    @Test
    void aWriteDuringTheRebuildWinsOverTheFileTheScanFound() {
        DiskStore store = reopen();
        io.run(SCAN_STEPS); // "a" version 1 is among the files found
        store.write(entry("a", 2, 10), body("a", 2, 10));
        io.runLast(); // the write, before the step that indexes
        io.runAll();
        assertThat(store.lookup("a")).isEqualTo(entry("a", 2, 10));
        var read = store.read("a");
        io.runAll();
        assertThat(bytes(read.join().body())).isEqualTo(bytes(body("a", 2, 10)));
        assertThat(store.indexed().join().entries()).isEqualTo(5);
        store.close();
    }

    @Test
    void removalsBeforeOrAfterTheScanReachedTheirFilesHold() throws Exception {
        DiskStore store = reopen();
        store.remove("a"); // before any file was scanned
        io.run(SCAN_STEPS);
        store.remove("b"); // after its file was found, before it was indexed
        store.removeIf(key -> key.startsWith("/img/"));
        io.runAll();
        assertThat(store.indexed().join().entries()).isEqualTo(1);
        for (String key : new String[] {"a", "b", "/img/1", "/img/2"}) {
            assertThat(store.lookup(key)).as(key).isNull();
            assertThat(fileOf(dir, key)).as(key).doesNotExist();
        }
        assertThat(store.lookup("c")).isNotNull();
        assertThat(files(dir)).containsExactly(fileOf(dir, "c"));
        store.close();
    }

    @Test
    void aClearDuringTheRebuildDeletesFilesNotIndexedYet() throws Exception {
        DiskStore store = reopen();
        io.run(100);
        store.clear();
        store.write(entry("d", 1, 10), body("d", 1, 10));
        io.runAll();
        assertThat(store.count()).isEqualTo(1);
        assertThat(files(dir)).containsExactly(fileOf(dir, "d"));
        store.close();
    }

    @Test
    void closingDuringTheRebuildStopsIt() {
        DiskStore store = reopen();
        io.run(10);
        Thread closer = new Thread(store::close);
        closer.start();
        // Only once close() has marked the store closed and waits for the rebuild (a timed wait)
        // may the rebuild go on: it must then stop at its next step. Running the steps earlier
        // would let it finish first.
        while (closer.getState() != Thread.State.TIMED_WAITING && closer.isAlive()) {
            Thread.onSpinWait();
        }
        while (closer.isAlive()) {
            if (io.queued() > 0) {
                io.runNext();
            }
            Thread.onSpinWait();
        }
        Assertions.assertThatThrownBy(() -> store.indexed().join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CancellationException.class);
        assertThat(store.count()).isZero();
    }
}
