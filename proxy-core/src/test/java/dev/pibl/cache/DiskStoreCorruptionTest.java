package dev.pibl.cache;

import static dev.pibl.cache.DiskEntries.NOW;
import static dev.pibl.cache.DiskEntries.body;
import static dev.pibl.cache.DiskEntries.entry;
import static dev.pibl.cache.DiskEntries.fileOf;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pibl.config.CacheConfig.Fsync;
import dev.pibl.testing.MutableClock;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** A damaged file is never served: it is deleted, unindexed and named in one warning. */
class DiskStoreCorruptionTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(DiskStore.class);
    private DiskStore store;

    @BeforeEach
    void open() {
        logged.start();
        logger.addAppender(logged);
        logger.setAdditive(false); // the warnings are expected: keep them out of the build output
        store = DiskStore.open(dir, 1L << 30, Fsync.NEVER, clock, Runnable::run);
    }

    @AfterEach
    void close() {
        store.close();
        logger.detachAppender(logged);
        logger.setAdditive(true);
    }

    private void reopen() {
        store.close();
        store = DiskStore.open(dir, 1L << 30, Fsync.NEVER, clock, Runnable::run);
    }

    private Path put(String key) {
        store.write(entry(key, 1, 1_000), body(key, 1, 1_000)).join();
        return fileOf(dir, key);
    }

    private static void flipByteAt(Path file, long offset) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x40);
        }
    }

    private void assertWarned(Path file, String reason) {
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN)
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains(file.toString()).contains(reason));
    }

    @ParameterizedTest
    @ValueSource(strings = {"read", "open"})
    void aFlippedBodyByteIsNeverServed(String how) throws Exception {
        Path file = put("k");
        flipByteAt(file, Files.size(file) - 500);
        Function<String, Object> serve = how.equals("read") ? k -> store.read(k).join() : k -> store.open(k).join();
        assertThat(serve.apply("k")).isNull();
        assertThat(file).doesNotExist();
        assertThat(store.lookup("k")).isNull();
        assertThat(store.count()).isZero();
        assertThat(store.size()).isZero();
        assertWarned(file, "body checksum mismatch");
    }

    @Test
    void aFlippedMetadataByteIsNeverServed() throws Exception {
        Path file = put("k");
        flipByteAt(file, 20);
        assertThat(store.read("k").join()).isNull();
        assertThat(file).doesNotExist();
        assertWarned(file, "metadata checksum mismatch");
    }

    @Test
    void aTruncatedFileIsNeverServedNorIndexed() throws Exception {
        Path served = put("served");
        Path indexed = put("indexed");
        for (Path file : new Path[] {served, indexed}) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(raf.length() - 10);
            }
        }
        assertThat(store.open("served").join()).isNull();
        assertThat(served).doesNotExist();
        assertWarned(served, "truncated");

        reopen();
        assertThat(store.indexed().join().dropped()).isEqualTo(1);
        assertThat(store.lookup("indexed")).isNull();
        assertThat(indexed).doesNotExist();
        assertWarned(indexed, "truncated");
    }

    @Test
    void foreignDamagedAndMisnamedFilesAreDroppedAtStart() throws Exception {
        Path good = put("good");
        Path wrongMagic = put("magic");
        Path wrongVersion = put("version");
        flipByteAt(wrongMagic, 0);
        try (RandomAccessFile raf = new RandomAccessFile(wrongVersion.toFile(), "rw")) {
            raf.seek(4);
            raf.writeShort(2);
        }
        Path garbage = fileOf(dir, "garbage");
        Files.createDirectories(garbage.getParent());
        Files.write(garbage, "not a cache file at all, but long enough".getBytes());
        Path misnamed = fileOf(dir, "misnamed");
        Files.createDirectories(misnamed.getParent());
        Files.copy(good, misnamed);
        Path foreign = good.resolveSibling("README");
        Files.write(foreign, new byte[] {1});
        Path empty = fileOf(dir, "empty");
        Files.createDirectories(empty.getParent());
        Files.write(empty, new byte[0]);
        Path atTheRoot = dir.resolve("operator-notes.txt");
        Files.write(atTheRoot, new byte[] {1});

        reopen();
        DiskStore.IndexStats stats = store.indexed().join();
        assertThat(stats.entries()).isEqualTo(1);
        assertThat(stats.dropped()).isEqualTo(6);
        assertThat(store.lookup("good")).isNotNull();
        assertThat(good).exists();
        assertThat(atTheRoot).as("files outside the subdirectories are not the store's").exists();
        assertWarned(wrongMagic, "not a cache file");
        assertWarned(wrongVersion, "unknown format version 2");
        assertWarned(garbage, "not a cache file");
        assertWarned(misnamed, "not the hash of the key");
        assertWarned(foreign, "not a cache file name");
        assertWarned(empty, "truncated");
        for (Path dropped : new Path[] {wrongMagic, wrongVersion, garbage, misnamed, foreign, empty}) {
            assertThat(dropped).doesNotExist();
        }
    }
}
