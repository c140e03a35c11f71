package dev.pibl.app.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * What one node serves, built once at startup and shared read-only by all its connections: the
 * name in its header and JSON forms, the / body, the /static/ files and the /bytes pattern.
 * Responses hand out retained duplicates or slices, so {@link #release()} only drops the node's
 * own reference and bodies still in flight stay valid.
 */
final class DemoContent {

    /**
     * The /bytes pattern period: 64 printable bytes ending in a newline, so streamed output is
     * readable and byte i is {@code PATTERN.charAt(i % 64)} whatever the chunking.
     */
    static final String PATTERN = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-\n";

    /** The size of one /bytes chunk, a whole number of pattern periods so every chunk is one slice. */
    static final int CHUNK_SIZE = 64 * 1024;

    private final String name;
    private final AsciiString backendHeader;
    private final String jsonName;
    private final ByteBuf rootBody;
    private final ByteBuf patternChunk;
    private final Map<String, StaticFile> staticFiles;
    private final AtomicBoolean released = new AtomicBoolean();

    DemoContent(String name) {
        this.name = requireNonNull(name, "name");
        this.backendHeader = AsciiString.cached(name);
        this.jsonName = Json.quote(name);
        byte[] root = ("Hello from " + name + "\n").getBytes(StandardCharsets.UTF_8);
        this.rootBody = Unpooled.directBuffer(root.length, root.length).writeBytes(root);
        byte[] period = PATTERN.getBytes(StandardCharsets.US_ASCII);
        this.patternChunk = Unpooled.directBuffer(CHUNK_SIZE, CHUNK_SIZE);
        while (patternChunk.isWritable()) {
            patternChunk.writeBytes(period);
        }
        this.staticFiles = StaticFiles.generate();
    }

    String name() {
        return name;
    }

    /** The X-Backend value. */
    AsciiString backendHeader() {
        return backendHeader;
    }

    /** The name as a quoted JSON string. */
    String jsonName() {
        return jsonName;
    }

    ByteBuf rootBody() {
        return rootBody;
    }

    /** A {@link #CHUNK_SIZE} buffer of the pattern starting at phase 0; callers take slices. */
    ByteBuf patternChunk() {
        return patternChunk;
    }

    /** The file named {@code fileName} under /static/, or null. */
    StaticFile staticFile(String fileName) {
        return staticFiles.get(fileName);
    }

    /** Drops the node's references; safe to call more than once and from any thread. */
    void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        rootBody.release();
        patternChunk.release();
        staticFiles.values().forEach(f -> f.content().release());
    }
}
