package dev.pibl.app.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generates the /static/ files. Everything is derived from constants, so every node and every run
 * serves identical bytes and identical ETags: a cache in front of several nodes sees one object.
 */
final class StaticFiles {

    private static final AsciiString HTML = AsciiString.cached("text/html; charset=utf-8");
    private static final AsciiString CSS = AsciiString.cached("text/css; charset=utf-8");
    private static final AsciiString BINARY = AsciiString.cached("application/octet-stream");

    private static final String INDEX_HTML = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>PIBL demo backend</title>
            <link rel="stylesheet" href="/static/style.css">
            </head>
            <body>
            <h1>PIBL demo backend</h1>
            <p>Every node serves these same bytes, so a cache in front of them sees one object.</p>
            <ul>
            <li><a href="/">/</a> names the node that answered</li>
            <li><a href="/add?a=2&amp;b=3">/add?a=2&amp;b=3</a> and /sub: a little JSON</li>
            <li><a href="/static/1k.bin">/static/1k.bin</a>, 100k.bin, 1m.bin: cacheable binaries</li>
            <li><a href="/bytes?n=1048576">/bytes?n=N</a>: N streamed bytes</li>
            <li><a href="/slow?ms=500">/slow?ms=N</a>: answers after N ms</li>
            <li><a href="/status/503">/status/N</a>: any status</li>
            <li>POST /echo: streams the body back</li>
            <li><a href="/headers">/headers</a>: the request as the node saw it</li>
            </ul>
            </body>
            </html>
            """;

    private static final String STYLE_CSS = """
            body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 40rem; color: #222; }
            h1 { font-size: 1.6rem; border-bottom: 2px solid #3a7; }
            a { color: #275; }
            li { margin: 0.3rem 0; }
            """;

    private StaticFiles() {
    }

    /** Builds the files, keyed by name under /static/; the caller owns (and must release) their buffers. */
    static Map<String, StaticFile> generate() {
        Map<String, StaticFile> files = new LinkedHashMap<>();
        files.put("index.html", file(INDEX_HTML.getBytes(StandardCharsets.UTF_8), HTML));
        files.put("style.css", file(STYLE_CSS.getBytes(StandardCharsets.UTF_8), CSS));
        files.put("1k.bin", file(noise(1024), BINARY));
        files.put("100k.bin", file(noise(100 * 1024), BINARY));
        files.put("1m.bin", file(noise(1024 * 1024), BINARY));
        return files;
    }

    private static StaticFile file(byte[] bytes, AsciiString type) {
        ByteBuf content = Unpooled.directBuffer(bytes.length, bytes.length).writeBytes(bytes);
        return new StaticFile(content, type, AsciiString.cached('"' + sha256Prefix(bytes) + '"'));
    }

    /** Incompressible bytes from xorshift64* seeded by the length: deterministic, no java.util.Random contract needed. */
    private static byte[] noise(int length) {
        byte[] bytes = new byte[length];
        long x = 0x9E3779B97F4A7C15L ^ length;
        for (int i = 0; i < length; i++) {
            x ^= x >>> 12;
            x ^= x << 25;
            x ^= x >>> 27;
            bytes[i] = (byte) ((x * 0x2545F4914F6CDD1DL) >>> 56);
        }
        return bytes;
    }

    private static String sha256Prefix(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
