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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removals show at once and win over writes still in flight; later writes win over earlier
 * removals, whatever order the io threads run them in. A manual executor stages each race.
 */
class DiskStoreRemovalTest {

    @TempDir
    Path dir;

    private final ManualExecutor io = new ManualExecutor();
    private DiskStore store;

    @BeforeEach
    void open() {
        store = DiskStore.open(dir, 1L << 30, Fsync.NEVER, new MutableClock(NOW), io);
        io.runAll(); // the rebuild of an empty directory
    }

    @AfterEach
    void close() {
        io.runAll();
        store.close();
    }

    private void put(String key, int version) {
        CompletableFuture<Void> done = store.write(entry(key, version, 10), body(key, version, 10));
        io.runAll();
        assertThat(done).isCompleted();
    }

    private void assertAbsent(String key) {
        assertThat(store.lookup(key)).as(key).isNull();
        assertThat(fileOf(dir, key)).doesNotExist();
    }

    private void assertHolds(String key, int version) {
        assertThat(store.lookup(key)).as(key).isEqualTo(entry(key, version, 10));
        CompletableFuture<DiskStore.Stored> read = store.read(key);
        io.runAll();
        assertThat(bytes(read.join().body())).isEqualTo(bytes(body(key, version, 10)));
    }

    @Test
    void removeShowsAtOnceAndDeletesTheFileOnIo() {
        put("a", 1);
        put("b", 1);
        store.remove("a");
        assertThat(store.lookup("a")).isNull();
        assertThat(store.count()).isEqualTo(1);
        assertThat(fileOf(dir, "a")).exists();
        io.runAll();
        assertAbsent("a");
        assertHolds("b", 1);
    }

    @Test
    void removeIfTakesWhatTheKeyTestAccepts() throws Exception {
        put("/img/1", 1);
        put("/img/2", 1);
        put("/css/1", 1);
        assertThat(store.removeIf(key -> key.startsWith("/img/"))).isEqualTo(2);
        io.runAll();
        assertAbsent("/img/1");
        assertAbsent("/img/2");
        assertHolds("/css/1", 1);
        assertThat(store.size()).isEqualTo(DiskEntries.totalBytes(dir));
    }

    @Test
    void clearTakesEverything() throws Exception {
        put("a", 1);
        put("b", 1);
        store.clear();
        assertThat(store.count()).isZero();
        assertThat(store.size()).isZero();
        io.runAll();
        assertThat(files(dir)).isEmpty();
    }

    @Test
    void aRemovalWinsOverAnOlderWriteInFlight() {
        put("a", 1);
        for (Runnable purge : new Runnable[] {() -> store.remove("a"), () -> store.removeIf("a"::equals), store::clear}) {
            CompletableFuture<Void> write = store.write(entry("a", 2, 10), body("a", 2, 10));
            purge.run();
            io.runAll();
            assertThat(write).isCompleted();
            assertAbsent("a");
            put("a", 1);
        }
    }

    @Test
    void aRemovalWinsEvenWhenItsDeletionRunsBeforeTheWrite() {
        CompletableFuture<Void> write = store.write(entry("a", 1, 10), body("a", 1, 10));
        store.remove("a");
        io.runLast(); // the deletion runs before the write: nothing to delete yet
        io.runAll(); // then the write, which must not bring the key back
        assertThat(write).isCompleted();
        assertAbsent("a");
    }

    @Test
    void aWriteAfterARemovalWinsInEitherOrder() {
        put("a", 1);
        store.remove("a");
        store.write(entry("a", 2, 10), body("a", 2, 10));
        io.runLast(); // the write first, then the removal's deletion: it must spare the new file
        io.runAll();
        assertHolds("a", 2);

        store.remove("a");
        store.write(entry("a", 3, 10), body("a", 3, 10));
        io.runAll(); // in order
        assertHolds("a", 3);
    }

    @Test
    void anOlderWriteFinishingLastDoesNotReplaceANewerOne() {
        store.write(entry("a", 1, 10), body("a", 1, 10));
        store.write(entry("a", 2, 10), body("a", 2, 10));
        io.runLast();
        io.runAll();
        assertHolds("a", 2);
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void removalsAreForgottenOnceNoWriteInFlightIsOlder() {
        store.remove("a");
        store.write(entry("b", 1, 10), body("b", 1, 10)); // in flight while "a" is removed
        store.remove("a");
        io.runAll();
        put("a", 1); // a write numbered after both removals
        assertHolds("a", 1);
    }
}
