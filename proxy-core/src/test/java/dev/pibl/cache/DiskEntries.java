package dev.pibl.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Entries and bodies for the disk store tests, derived from a key and a version so any reader can check them. */
final class DiskEntries {

    static final long NOW = 1_700_000_000_000L;
    static final long HOUR = 3_600_000L;

    private DiskEntries() {
    }

    /** An entry for {@code key} at {@code version}, kept for an hour; every field derived from the two. */
    static CacheEntry entry(String key, int version, int bodyLength) {
        return entry(key, version, bodyLength, NOW + HOUR);
    }

    static CacheEntry entry(String key, int version, long bodyLength, long keepUntil) {
        return new CacheEntry(key, 200, "OK",
                List.of(new Header("Content-Type", "text/plain"), new Header("X-Version", Integer.toString(version))),
                NOW - 5 - version, NOW - 2 - version, version % 7, 60_000 + version, 1_000, 2_000, version % 2 == 0,
                version % 3 == 0, "\"v" + version + "\"", version % 5 == 0 ? null : "Tue, 15 Nov 1994 08:12:31 GMT",
                List.of("accept-encoding"), keepUntil, bodyLength);
    }

    /** The version an entry of {@link #entry} was made at, from its ETag. */
    static int version(CacheEntry entry) {
        return Integer.parseInt(entry.etag().substring(2, entry.etag().length() - 1));
    }

    /** Deterministic bytes for {@code key} at {@code version}. */
    static ByteBuffer body(String key, int version, int length) {
        byte[] bytes = new byte[length];
        new SplittableRandom(key.hashCode() * 31L + version).nextBytes(bytes);
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }

    /** Every regular file under {@code dir}, tmp/ included. */
    /** The cache files under {@code dir}: every regular file but the store's lock. */
    static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(".lock")).toList();
        }
    }

    /** Where the store keeps the file of {@code key}. */
    static Path fileOf(Path dir, String key) {
        return DiskFormat.path(dir, DiskFormat.fileName(key));
    }

    static long totalBytes(Path dir) throws Exception {
        long total = 0;
        for (Path p : files(dir)) {
            total += Files.size(p);
        }
        return total;
    }
}
