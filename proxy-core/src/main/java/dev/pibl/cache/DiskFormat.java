package dev.pibl.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The layout of one file of the {@link DiskStore}: one stored response per file, written once
 * to a temporary file and renamed into place, never modified afterwards. Stateless; called on
 * the store's io threads.
 *
 * <p>Name: the lower-case hex SHA-256 of the cache key (64 characters) in the subdirectory named
 * by its first byte, {@code ab/ab12…}. Nothing of the URL reaches the file system, so a key
 * holding {@code ../} or of any length is just another hash.
 *
 * <p>Content, big-endian:
 * <pre>
 * offset      size  field
 * 0           4     magic 0x50494243 ("PIBC")
 * 4           2     format version, 1
 * 6           2     flags, 0 (reserved: a reader rejects others)
 * 8           4     metadata length M
 * 12          M     metadata (below)
 * 12+M        4     CRC32C of bytes [0, 12+M): preamble and metadata
 * 16+M        B     body, B = the metadata's bodyLength
 * 16+M+B      4     CRC32C of the body
 * </pre>
 * so a file is exactly {@code 20 + M + B} bytes. Metadata, every {@link CacheEntry} field in
 * order, strings as a 4-byte length and UTF-8 bytes: key, status (4), reason, header count (4)
 * then name and value of each, requestTime, responseTime, initialAge, freshness,
 * staleWhileRevalidate, staleIfError (8 each), a flag byte (1 noCache, 2 mustRevalidate,
 * 4 etag present, 8 lastModified present), etag and lastModified when present, vary count (4)
 * then each name, keepUntil (8), bodyLength (8).
 *
 * <p>The head (everything before the body) is checked on its own, so rebuilding the index never
 * reads a body: its checksum, and that the file size is head + body length + 4. The body's
 * checksum is checked when it is served. A change to {@link CacheEntry}'s fields is a new
 * version: files of another version are dropped at start-up (a cache needs no migration).
 */
final class DiskFormat {

    private static final int MAGIC = 0x50494243;
    private static final int VERSION = 1;
    /** Magic, version, flags and the metadata length. */
    private static final int PREAMBLE = 12;
    static final int CRC_BYTES = 4;
    /** Far above any header block PIBL accepts; a larger length is damage, not data. */
    private static final int MAX_METADATA = 16 << 20;
    /** One read gets the whole head of nearly every file. */
    private static final int HEAD_PROBE = 4096;
    private static final int BODY_CHUNK = 64 * 1024;

    private static final int NO_CACHE = 1;
    private static final int MUST_REVALIDATE = 2;
    private static final int HAS_ETAG = 4;
    private static final int HAS_LAST_MODIFIED = 8;
    private static final int KNOWN_FLAGS = NO_CACHE | MUST_REVALIDATE | HAS_ETAG | HAS_LAST_MODIFIED;
    private static final HexFormat HEX = HexFormat.of();

    private DiskFormat() {
    }

    /** The head of a file: its entry and where its body starts. */
    record Head(CacheEntry entry, long bodyOffset, long fileSize) {
    }

    /** A file that is not a complete, intact cache file of this version; the message says why. */
    static final class CorruptFileException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptFileException(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The file name of a key: hex SHA-256 of its UTF-8 bytes. */
    static String fileName(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Whether {@code name} could be a file name: 64 lower-case hex digits. */
    static boolean isFileName(String name) {
        if (name.length() != 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Where the file of that name lives under {@code root}. */
    static Path path(Path root, String fileName) {
        return root.resolve(fileName.substring(0, 2)).resolve(fileName);
    }

    /** The size of a file whose head is {@code headLength} bytes. */
    static long fileSize(int headLength, long bodyLength) {
        return headLength + bodyLength + CRC_BYTES;
    }

    static int crc(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    /** Preamble, metadata and metadata checksum of {@code entry}, ready to write. */
    static ByteBuffer encodeHead(CacheEntry entry) {
        Writer meta = new Writer();
        meta.string(entry.key());
        meta.int32(entry.status());
        meta.string(entry.reason());
        meta.int32(entry.headers().size());
        for (Header h : entry.headers()) {
            meta.string(h.name());
            meta.string(h.value());
        }
        meta.int64(entry.requestTime());
        meta.int64(entry.responseTime());
        meta.int64(entry.initialAge());
        meta.int64(entry.freshness());
        meta.int64(entry.staleWhileRevalidate());
        meta.int64(entry.staleIfError());
        int flags = (entry.noCache() ? NO_CACHE : 0) | (entry.mustRevalidate() ? MUST_REVALIDATE : 0)
                | (entry.etag() != null ? HAS_ETAG : 0) | (entry.lastModified() != null ? HAS_LAST_MODIFIED : 0);
        meta.int8(flags);
        if (entry.etag() != null) {
            meta.string(entry.etag());
        }
        if (entry.lastModified() != null) {
            meta.string(entry.lastModified());
        }
        meta.int32(entry.varyNames().size());
        for (String name : entry.varyNames()) {
            meta.string(name);
        }
        meta.int64(entry.keepUntil());
        meta.int64(entry.bodyLength());

        int metaLength = meta.out.position();
        ByteBuffer head = ByteBuffer.allocate(PREAMBLE + metaLength + CRC_BYTES);
        head.putInt(MAGIC).putShort((short) VERSION).putShort((short) 0).putInt(metaLength);
        head.put(meta.out.flip());
        head.putInt(crc(head.duplicate().flip()));
        return head.flip();
    }

    /** Reads and checks the head of an open file of {@code fileSize} bytes, without its body. */
    static Head readHead(FileChannel channel, long fileSize) throws IOException, CorruptFileException {
        if (fileSize < PREAMBLE + 2 * CRC_BYTES) {
            throw new CorruptFileException("truncated: " + fileSize + " bytes");
        }
        ByteBuffer probe = ByteBuffer.allocate((int) Math.min(fileSize, HEAD_PROBE));
        readFully(channel, probe, 0);
        probe.flip();
        int headLength = PREAMBLE + checkPreamble(probe, fileSize) + CRC_BYTES;
        if (headLength > probe.limit()) {
            ByteBuffer whole = ByteBuffer.allocate(headLength).put(probe);
            readFully(channel, whole, probe.limit());
            probe = whole.flip();
        }
        return decodeHead(probe, fileSize);
    }

    /**
     * Checks and decodes the head at the start of {@code file} (its position is 0 and it holds at
     * least the whole head), for a file of {@code fileSize} bytes.
     */
    static Head decodeHead(ByteBuffer file, long fileSize) throws CorruptFileException {
        int metaLength = checkPreamble(file, fileSize);
        int crcAt = PREAMBLE + metaLength;
        if (file.limit() < crcAt + CRC_BYTES) {
            throw new CorruptFileException("truncated: head of " + (crcAt + CRC_BYTES) + " bytes, read " + file.limit());
        }
        if (crc(file.duplicate().position(0).limit(crcAt)) != file.getInt(crcAt)) {
            throw new CorruptFileException("metadata checksum mismatch");
        }
        CacheEntry entry;
        try {
            entry = new Reader(file.duplicate().position(PREAMBLE).limit(crcAt).slice()).entry();
        } catch (RuntimeException e) {
            // The checksum matched, so only a writer bug or a foreign format gets here.
            throw new CorruptFileException("malformed metadata: " + e.getMessage());
        }
        long bodyOffset = crcAt + CRC_BYTES;
        if (entry.bodyLength() < 0) {
            throw new CorruptFileException("negative body length " + entry.bodyLength());
        }
        long expected = bodyOffset + entry.bodyLength() + CRC_BYTES;
        if (fileSize != expected) {
            throw new CorruptFileException((fileSize < expected ? "truncated: " : "too long: ") + fileSize
                    + " bytes, expected " + expected);
        }
        return new Head(entry, bodyOffset, fileSize);
    }

    /**
     * The body of a whole file read into {@code file} (position 0, limit its size) whose head is
     * {@code head}, once its checksum is verified.
     */
    static ByteBuffer checkedBody(ByteBuffer file, Head head) throws CorruptFileException {
        int bodyCrc = file.getInt(file.limit() - CRC_BYTES);
        ByteBuffer body = file.duplicate().position((int) head.bodyOffset())
                .limit((int) (head.bodyOffset() + head.entry().bodyLength())).slice();
        if (crc(body.duplicate()) != bodyCrc) {
            throw new CorruptFileException("body checksum mismatch");
        }
        return body;
    }

    /** Verifies the body checksum of an open file whose head is {@code head}, reading it in chunks. */
    static void checkBody(FileChannel channel, Head head) throws IOException, CorruptFileException {
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(BODY_CHUNK, Math.max(head.entry().bodyLength(), 1)));
        long at = head.bodyOffset();
        long end = at + head.entry().bodyLength();
        while (at < end) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), end - at));
            readFully(channel, chunk, at);
            at += chunk.position();
            crc.update(chunk.flip());
        }
        ByteBuffer trailer = ByteBuffer.allocate(CRC_BYTES);
        readFully(channel, trailer, end);
        if ((int) crc.getValue() != trailer.getInt(0)) {
            throw new CorruptFileException("body checksum mismatch");
        }
    }

    /** Checks magic, version, flags and the metadata length against the file size; returns the length. */
    private static int checkPreamble(ByteBuffer file, long fileSize) throws CorruptFileException {
        if (file.limit() < PREAMBLE) {
            throw new CorruptFileException("truncated: " + file.limit() + " bytes");
        }
        int magic = file.getInt(0);
        if (magic != MAGIC) {
            throw new CorruptFileException("not a cache file (magic 0x" + Integer.toHexString(magic) + ")");
        }
        int version = Short.toUnsignedInt(file.getShort(4));
        if (version != VERSION) {
            throw new CorruptFileException("unknown format version " + version + " (expected: " + VERSION + ")");
        }
        int flags = Short.toUnsignedInt(file.getShort(6));
        if (flags != 0) {
            throw new CorruptFileException("unknown flags 0x" + Integer.toHexString(flags));
        }
        int metaLength = file.getInt(8);
        if (metaLength < 0 || metaLength > MAX_METADATA
                || PREAMBLE + (long) metaLength + 2 * CRC_BYTES > fileSize) {
            throw new CorruptFileException("truncated: metadata of " + Integer.toUnsignedString(metaLength)
                    + " bytes in a file of " + fileSize);
        }
        return metaLength;
    }

    /** Fills {@code into} from {@code position}; a file that ends first is truncated. */
    static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException, CorruptFileException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new CorruptFileException("truncated: ended at byte " + at);
            }
            at += n;
        }
    }

    /** Grows as needed; strings go in as a length and UTF-8 bytes. */
    private static final class Writer {
        private ByteBuffer out = ByteBuffer.allocate(1024);

        void string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            ensure(4 + bytes.length);
            out.putInt(bytes.length).put(bytes);
        }

        void int8(int v) {
            ensure(1);
            out.put((byte) v);
        }

        void int32(int v) {
            ensure(4);
            out.putInt(v);
        }

        void int64(long v) {
            ensure(8);
            out.putLong(v);
        }

        private void ensure(int n) {
            if (out.remaining() < n) {
                out = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + n)).put(out.flip());
            }
        }
    }

    /** Reads what {@link Writer} wrote; every length is checked against what is left. */
    private static final class Reader {
        private final ByteBuffer in;

        Reader(ByteBuffer in) {
            this.in = in;
        }

        CacheEntry entry() {
            String key = string();
            int status = in.getInt();
            String reason = string();
            int headerCount = count(8);
            List<Header> headers = new ArrayList<>(headerCount);
            for (int i = 0; i < headerCount; i++) {
                headers.add(new Header(string(), string()));
            }
            long requestTime = in.getLong();
            long responseTime = in.getLong();
            long initialAge = in.getLong();
            long freshness = in.getLong();
            long staleWhileRevalidate = in.getLong();
            long staleIfError = in.getLong();
            int flags = in.get();
            if ((flags & ~KNOWN_FLAGS) != 0) {
                throw new IllegalArgumentException("unknown entry flags 0x" + Integer.toHexString(flags));
            }
            String etag = (flags & HAS_ETAG) != 0 ? string() : null;
            String lastModified = (flags & HAS_LAST_MODIFIED) != 0 ? string() : null;
            int varyCount = count(4);
            List<String> varyNames = new ArrayList<>(varyCount);
            for (int i = 0; i < varyCount; i++) {
                varyNames.add(string());
            }
            long keepUntil = in.getLong();
            long bodyLength = in.getLong();
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the last field");
            }
            return new CacheEntry(key, status, reason, headers, requestTime, responseTime, initialAge, freshness,
                    staleWhileRevalidate, staleIfError, (flags & NO_CACHE) != 0, (flags & MUST_REVALIDATE) != 0,
                    etag, lastModified, varyNames, keepUntil, bodyLength);
        }

        /** A count of items of at least {@code minItemBytes} each that can fit in what is left. */
        private int count(int minItemBytes) {
            int n = in.getInt();
            if (n < 0 || n > in.remaining() / minItemBytes) {
                throw new IllegalArgumentException("count " + n + " with " + in.remaining() + " bytes left");
            }
            return n;
        }

        private String string() {
            int n = count(1);
            String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
            in.position(in.position() + n);
            return s;
        }
    }
}
