package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pibl.cache.DiskFormat.CorruptFileException;
import dev.pibl.cache.DiskFormat.Head;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The file layout on its own: every field survives, every kind of damage is named. */
class DiskFormatTest {

    private static ByteBuffer file(CacheEntry entry, byte[] body) {
        ByteBuffer head = DiskFormat.encodeHead(entry);
        ByteBuffer file = ByteBuffer.allocate(head.remaining() + body.length + DiskFormat.CRC_BYTES);
        file.put(head).put(body).putInt(DiskFormat.crc(ByteBuffer.wrap(body)));
        return file.flip();
    }

    private static Head decode(ByteBuffer file) throws CorruptFileException {
        return DiskFormat.decodeHead(file, file.limit());
    }

    @Test
    void everyFieldSurvives() throws Exception {
        CacheEntry entry = new CacheEntry("GET http://h/ü?q=✓", 203, "Non-Authoritative Information",
                List.of(new Header("X-Ünïcödé", "日本語 🙂"), new Header("Set-Cookie", ""), new Header("A", "b")),
                -1, Long.MAX_VALUE, 3, 4, 5, 6, true, false, null, "Tue, 15 Nov 1994 08:12:31 GMT",
                List.of("accept-encoding", "accept-language"), Long.MIN_VALUE, 3);
        Head head = decode(file(entry, new byte[] {1, 2, 3}));
        assertThat(head.entry()).isEqualTo(entry);
        assertThat(head.bodyOffset()).isEqualTo(DiskFormat.encodeHead(entry).remaining());
        assertThat(head.fileSize()).isEqualTo(head.bodyOffset() + 3 + 4);
    }

    @Test
    void largeHeadersGrowTheBuffer() throws Exception {
        String big = "x".repeat(100_000);
        CacheEntry entry = new CacheEntry(big, 200, "OK", List.of(new Header("X-Big", big)), 0, 0, 0, 0, 0, 0,
                false, false, "\"e\"", null, List.of(), 1, 0);
        assertThat(decode(file(entry, new byte[0])).entry()).isEqualTo(entry);
    }

    @Test
    void namesAreTheHexHashOfTheKey() {
        String name = DiskFormat.fileName("../../etc/passwd");
        assertThat(name).matches("[0-9a-f]{64}");
        assertThat(DiskFormat.fileName("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(DiskFormat.path(java.nio.file.Path.of("/c"), DiskFormat.fileName("abc")))
                .isEqualTo(java.nio.file.Path.of("/c/ba/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        assertThat(DiskFormat.isFileName(name)).isTrue();
        assertThat(DiskFormat.isFileName(name.toUpperCase())).isFalse();
        assertThat(DiskFormat.isFileName(name.substring(1))).isFalse();
    }

    @Test
    void damageIsNamed() {
        CacheEntry entry = DiskEntries.entry("k", 1, 10);
        int meta = DiskFormat.encodeHead(entry).remaining() - 4;

        assertCorrupt(flip(file(entry, new byte[10]), 0), "not a cache file");
        assertCorrupt(flip(file(entry, new byte[10]), 5), "unknown format version");
        assertCorrupt(flip(file(entry, new byte[10]), 7), "unknown flags");
        assertCorrupt(flip(file(entry, new byte[10]), 20), "metadata checksum mismatch");
        assertCorrupt(flip(file(entry, new byte[10]), meta), "metadata checksum mismatch");
        assertCorrupt(file(entry, new byte[10]).limit(meta + 4 + 9), "truncated");
        assertCorrupt(file(entry, new byte[10]).limit(30), "truncated");
        assertCorrupt(file(entry, new byte[10]).limit(3), "truncated");
        ByteBuffer exact = file(entry, new byte[10]);
        ByteBuffer longer = ByteBuffer.allocate(exact.limit() + 1).put(exact).flip().limit(exact.limit() + 1);
        assertCorrupt(longer, "too long");
        ByteBuffer hugeMeta = file(entry, new byte[10]).putInt(8, Integer.MAX_VALUE);
        assertCorrupt(hugeMeta, "truncated: metadata of 2147483647 bytes");
    }

    private static ByteBuffer flip(ByteBuffer file, int at) {
        return file.put(at, (byte) (file.get(at) ^ 0x01));
    }

    private static void assertCorrupt(ByteBuffer file, String reason) {
        assertThatThrownBy(() -> decode(file)).isInstanceOf(CorruptFileException.class).hasMessageContaining(reason);
    }
}
