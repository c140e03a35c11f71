package dev.pibl.cache;

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
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What goes in comes out: metadata, bodies of every size, replacement, expiry, and safe file names. */
class DiskStoreRoundTripTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);
    private DiskStore store;

    @BeforeEach
    void open() {
        store = DiskStore.open(dir, 1L << 30, Fsync.NEVER, clock, Runnable::run);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void assertReadsBack(CacheEntry entry, ByteBuffer body) throws Exception {
        assertThat(store.lookup(entry.key())).isEqualTo(entry);
        DiskStore.Stored stored = store.read(entry.key()).join();
        assertThat(stored.entry()).isEqualTo(entry);
        assertThat(bytes(stored.body())).isEqualTo(bytes(body));
        try (DiskStore.FileBody file = store.open(entry.key()).join()) {
            assertThat(file.entry()).isEqualTo(entry);
            assertThat(file.bodyLength()).isEqualTo(entry.bodyLength());
            ByteBuffer sent = ByteBuffer.allocate((int) file.bodyLength());
            while (sent.hasRemaining()) {
                file.channel().read(sent, file.bodyOffset() + sent.position());
            }
            assertThat(sent.array()).isEqualTo(bytes(body));
        }
    }

    @ParameterizedTest
    @EnumSource(Fsync.class)
    void unicodeHeadersAndNullValidatorsComeBack(Fsync fsync) throws Exception {
        store.close();
        store = DiskStore.open(dir, 1L << 30, fsync, clock, Runnable::run);
        CacheEntry entry = new CacheEntry("GET http://exämple/ü", 404, "Nicht gefunden",
                List.of(new Header("X-Ünïcödé", "日本語 🙂 ✓"), new Header("Empty", "")), NOW - 9, NOW - 3, 2, 0, 0, 0,
                true, true, null, null, List.of(), NOW + 1_000, 5);
        ByteBuffer body = DiskEntries.utf8("héll");
        store.write(entry, body).join();
        assertReadsBack(entry, body);
    }

    @Test
    void emptyAndTwoMebibyteBodies() throws Exception {
        CacheEntry empty = entry("empty", 1, 0);
        store.write(empty, ByteBuffer.allocate(0).asReadOnlyBuffer()).join();
        assertReadsBack(empty, ByteBuffer.allocate(0));

        CacheEntry big = entry("big", 2, 2 << 20);
        ByteBuffer body = body("big", 2, 2 << 20);
        store.write(big, body).join();
        assertReadsBack(big, body);
        assertThat(store.count()).isEqualTo(2);
        assertThat(store.size()).isEqualTo(DiskEntries.totalBytes(dir));
    }

    @Test
    void theCallersBufferIsLeftAlone() {
        ByteBuffer whole = body("k", 1, 100);
        ByteBuffer body = whole.position(10).slice().limit(50).position(20);
        store.write(entry("k", 1, 30), body).join();
        assertThat(body.position()).isEqualTo(20);
        assertThat(body.limit()).isEqualTo(50);
        assertThatThrownBy(() -> store.write(entry("k", 1, 31), body)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNewWriteReplacesTheOld() throws Exception {
        store.write(entry("k", 1, 100), body("k", 1, 100)).join();
        store.write(entry("k", 2, 7), body("k", 2, 7)).join();
        assertReadsBack(entry("k", 2, 7), body("k", 2, 7));
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.size()).isEqualTo(Files.size(fileOf(dir, "k")));
    }

    @Test
    void anEntryIsGoneOnceItsKeepUntilComes() {
        store.write(entry("k", 1, 10, NOW + 1_000), body("k", 1, 10)).join();
        clock.advance(Duration.ofMillis(999));
        assertThat(store.lookup("k")).isNotNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.lookup("k")).isNull();
        assertThat(store.count()).isZero();
        assertThat(fileOf(dir, "k")).doesNotExist();

        store.write(entry("j", 1, 10, NOW + 2_000), body("j", 1, 10)).join();
        clock.advance(Duration.ofMillis(1_000));
        assertThat(store.read("j").join()).isNull();
        assertThat(store.open("j").join()).isNull();
        assertThat(fileOf(dir, "j")).doesNotExist();
    }

    @Test
    void missingKeysAreNull() {
        assertThat(store.lookup("nope")).isNull();
        assertThat(store.read("nope").join()).isNull();
        assertThat(store.open("nope").join()).isNull();
    }

    @Test
    void filesAreNamedByHashNeverByKey() throws Exception {
        List<String> keys = List.of("GET http://h/../../../etc/passwd", "../x", "/absolute", "a/b\\c:d",
                "GET http://h/" + "long".repeat(10_000), "", "\u0000nul");
        for (String key : keys) {
            store.write(entry(key, 1, 3), body(key, 1, 3)).join();
        }
        for (String key : keys) {
            assertThat(bytes(store.read(key).join().body())).isEqualTo(bytes(body(key, 1, 3)));
        }
        assertThat(files(dir)).hasSize(keys.size()).allSatisfy(file -> {
            assertThat(file.getFileName().toString()).matches("[0-9a-f]{64}");
            assertThat(dir.relativize(file).getNameCount()).isEqualTo(2);
            assertThat(file.getParent().getFileName().toString()).isEqualTo(file.getFileName().toString().substring(0, 2));
        });
    }

    @Test
    void writesAfterCloseFail() {
        store.close();
        assertThat(store.write(entry("k", 1, 0), ByteBuffer.allocate(0))).isCompletedExceptionally();
    }
}
