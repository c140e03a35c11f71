package dev.pibl.cache;

import static dev.pibl.cache.DiskEntries.NOW;
import static dev.pibl.cache.DiskEntries.body;
import static dev.pibl.cache.DiskEntries.entry;
import static dev.pibl.cache.DiskEntries.fileOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.CacheConfig.Fsync;
import dev.pibl.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Least recently used files go first once their bytes exceed the store's size; reads count as uses. */
class DiskStoreEvictionTest {

    private static final int BODY = 1_000;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);
    private long fileBytes;
    private DiskStore store;

    @BeforeEach
    void open() throws Exception {
        // Keys of one length and one version make files of one size.
        try (DiskStore probe = DiskStore.open(dir.resolve("probe"), 1L << 30, Fsync.NEVER, clock, Runnable::run)) {
            probe.write(entry("k0", 1, BODY), body("k0", 1, BODY)).join();
            fileBytes = probe.size();
        }
        store = DiskStore.open(dir.resolve("store"), 3 * fileBytes + fileBytes / 2, Fsync.NEVER, clock, Runnable::run);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void put(String key) {
        store.write(entry(key, 1, BODY), body(key, 1, BODY)).join();
    }

    private void assertKept(String... keys) {
        for (String key : keys) {
            assertThat(store.lookup(key)).as(key).isNotNull();
            assertThat(fileOf(dir.resolve("store"), key)).exists();
        }
    }

    private void assertEvicted(String... keys) {
        for (String key : keys) {
            assertThat(store.lookup(key)).as(key).isNull();
            assertThat(fileOf(dir.resolve("store"), key)).doesNotExist();
        }
    }

    @Test
    void theLeastRecentlyWrittenGoesFirst() throws Exception {
        put("k1");
        put("k2");
        put("k3");
        put("k4");
        assertEvicted("k1");
        assertKept("k2", "k3", "k4");
        assertThat(store.count()).isEqualTo(3);
        assertThat(store.size()).isEqualTo(3 * fileBytes).isEqualTo(DiskEntries.totalBytes(dir.resolve("store")));
    }

    @Test
    void aReadOrOpenMakesAnEntryRecentButALookupDoesNot() throws Exception {
        put("k1");
        put("k2");
        put("k3");
        assertThat(store.read("k1").join()).isNotNull(); // order now k2, k3, k1
        put("k4");
        assertEvicted("k2");
        assertKept("k3", "k1", "k4");

        assertThat(store.lookup("k3")).isNotNull(); // no use: k3 stays the eldest
        put("k5");
        assertEvicted("k3");

        store.open("k1").join().close(); // order now k4, k5, k1
        put("k6");
        assertEvicted("k4");
        assertKept("k5", "k1", "k6");
    }

    @Test
    void aLargeEntryEvictsAsManyAsItNeeds() {
        put("k1");
        put("k2");
        put("k3");
        store.write(entry("big", 1, 2 * BODY), body("big", 1, 2 * BODY)).join();
        assertEvicted("k1", "k2");
        assertKept("k3", "big");
    }

    @Test
    void replacingAnEntryFreesItsOldBytes() {
        put("k1");
        put("k2");
        put("k3");
        put("k1"); // same size: replaces, evicts nothing, and k1 becomes the most recent
        assertKept("k1", "k2", "k3");
        put("k4");
        assertEvicted("k2");
    }

    @Test
    void anEntryLargerThanTheStoreIsNotKeptAndOutdatesTheOldOne() throws Exception {
        put("k1");
        put("k2");
        store.write(entry("k1", 2, (int) (4 * fileBytes)), body("k1", 2, (int) (4 * fileBytes))).join();
        assertEvicted("k1");
        assertKept("k2");
        assertThat(store.size()).isEqualTo(fileBytes);
        try (var tmp = Files.list(dir.resolve("store/tmp"))) {
            assertThat(tmp).isEmpty();
        }
    }
}
