package dev.pibl.cache;

import static dev.pibl.cache.DiskEntries.HOUR;
import static dev.pibl.cache.DiskEntries.NOW;
import static dev.pibl.cache.DiskEntries.body;
import static dev.pibl.cache.DiskEntries.bytes;
import static dev.pibl.cache.DiskEntries.entry;
import static dev.pibl.cache.DiskEntries.fileOf;
import static dev.pibl.cache.DiskEntries.files;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pibl.config.CacheConfig.Fsync;
import dev.pibl.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store reopened on its directory finds what it had, minus what expired or a crash left half done. */
class DiskStoreRestartTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);

    private DiskStore open(long maxBytes) {
        return DiskStore.open(dir, maxBytes, Fsync.NEVER, clock, Runnable::run);
    }

    private static String key(int i) {
        return "GET http://h/item/" + i;
    }

    @Test
    void everyEntryComesBackWithItsMetadataAndBody() {
        long size;
        try (DiskStore store = open(1L << 30)) {
            for (int i = 0; i < 50; i++) {
                store.write(entry(key(i), i, 100 + i), body(key(i), i, 100 + i)).join();
            }
            size = store.size();
        }
        try (DiskStore store = open(1L << 30)) {
            DiskStore.IndexStats stats = store.indexed().join();
            assertThat(stats.entries()).isEqualTo(50);
            assertThat(stats.bytes()).isEqualTo(size);
            assertThat(stats.dropped()).isZero();
            assertThat(store.count()).isEqualTo(50);
            assertThat(store.size()).isEqualTo(size);
            for (int i = 0; i < 50; i++) {
                assertThat(store.lookup(key(i))).isEqualTo(entry(key(i), i, 100 + i));
                assertThat(bytes(store.read(key(i)).join().body())).isEqualTo(bytes(body(key(i), i, 100 + i)));
            }
        }
    }

    @Test
    void expiredEntriesAndLeftoverTemporaryFilesAreDropped() throws Exception {
        try (DiskStore store = open(1L << 30)) {
            store.write(entry("short", 1, 10, NOW + 1_000), body("short", 1, 10)).join();
            store.write(entry("long", 1, 10, NOW + HOUR), body("long", 1, 10)).join();
        }
        Files.write(dir.resolve("tmp/0123abcd-7.tmp"), new byte[100]); // a crash mid-write
        Files.write(dir.resolve("tmp/other"), new byte[1]);
        clock.advance(Duration.ofSeconds(1));
        try (DiskStore store = open(1L << 30)) {
            assertThat(store.indexed().join().dropped()).isEqualTo(3);
            assertThat(store.lookup("short")).isNull();
            assertThat(store.lookup("long")).isNotNull();
            assertThat(files(dir)).containsExactly(fileOf(dir, "long"));
        }
    }

    @Test
    void afterARestartTheLeastRecentlyModifiedFileIsEvictedFirst() throws Exception {
        long fileBytes;
        try (DiskStore store = open(1L << 30)) {
            for (String key : new String[] {"k1", "k2", "k3"}) {
                store.write(entry(key, 1, 100), body(key, 1, 100)).join();
            }
            fileBytes = store.size() / 3;
        }
        Files.setLastModifiedTime(fileOf(dir, "k1"), FileTime.fromMillis(NOW + 3_000));
        Files.setLastModifiedTime(fileOf(dir, "k2"), FileTime.fromMillis(NOW + 1_000));
        Files.setLastModifiedTime(fileOf(dir, "k3"), FileTime.fromMillis(NOW + 2_000));
        try (DiskStore store = open(3 * fileBytes)) {
            store.indexed().join();
            store.write(entry("k4", 1, 100), body("k4", 1, 100)).join();
            assertThat(store.lookup("k2")).isNull();
            store.write(entry("k5", 1, 100), body("k5", 1, 100)).join();
            assertThat(store.lookup("k3")).isNull();
            assertThat(store.lookup("k1")).isNotNull();
        }
    }

    @Test
    void aSmallerSizeAtRestartEvictsTheOldestAtOnce() throws Exception {
        long fileBytes;
        try (DiskStore store = open(1L << 30)) {
            store.write(entry("k1", 1, 100), body("k1", 1, 100)).join();
            store.write(entry("k2", 1, 100), body("k2", 1, 100)).join();
            fileBytes = store.size() / 2;
        }
        Files.setLastModifiedTime(fileOf(dir, "k1"), FileTime.fromMillis(NOW + 2_000));
        Files.setLastModifiedTime(fileOf(dir, "k2"), FileTime.fromMillis(NOW + 1_000));
        try (DiskStore store = open(fileBytes)) {
            assertThat(store.indexed().join().entries()).isEqualTo(1);
            assertThat(store.lookup("k1")).isNotNull();
            assertThat(fileOf(dir, "k2")).doesNotExist();
        }
    }

    @Test
    void openReturnsBeforeTheIndexIsBuiltAndMissesUntilThen() {
        try (DiskStore store = open(1L << 30)) {
            store.write(entry("old", 1, 10), body("old", 1, 10)).join();
        }
        ManualExecutor io = new ManualExecutor();
        DiskStore store = DiskStore.open(dir, 1L << 30, Fsync.NEVER, clock, io);
        assertThat(store.indexed()).isNotDone();
        assertThat(store.lookup("old")).isNull();
        assertThat(store.count()).isZero();
        io.runAll();
        assertThat(store.indexed()).isCompleted();
        assertThat(store.lookup("old")).isEqualTo(entry("old", 1, 10));
        store.close();
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        DiskStore first = open(1L << 30);

        assertThatThrownBy(() -> open(1L << 30)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is in use by another PIBL").hasMessageContaining(".lock");

        first.close();
        try (DiskStore second = open(1L << 30)) {
            assertThat(second.indexed().join().entries()).isZero();
        }
    }
}
