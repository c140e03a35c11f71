package dev.pibl.admin;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The HTML dashboard's files: {@code GET /admin/} (the page) and {@code GET /admin/assets/NAME}
 * (its script, style sheet and icon); {@code /admin} redirects to {@code /admin/}.
 *
 * <p>The files are a fixed list read from the classpath once, when the admin listener starts, so a
 * request can only ever name one of them: nothing here looks a path up on disk. They are the same
 * bytes for every installation and hold no data (the page fetches {@code /admin/status} for that,
 * with the token), which is why the admin handler serves them without the token: a browser cannot
 * send a bearer token when it opens a page, so the page asks for it and sends it itself.
 *
 * <p>Built on the thread that starts the admin listener; immutable afterwards, so the admin event
 * loops call {@link #answer} concurrently.
 */
final class DashboardAssets {

    private static final String ROOT = "/admin";
    private static final String PAGE = "/admin/";
    private static final String ASSETS = "/admin/assets/";
    /** The files are a few KiB; a limit keeps a packaging mistake from loading something huge. */
    private static final int MAX_FILE_BYTES = 512 * 1024;

    /** Resource name (next to this class, under {@code dashboard/}) by the path it is served at. */
    private static final Map<String, String> FILES = Map.of(
            PAGE, "index.html",
            ASSETS + "dashboard.css", "dashboard.css",
            ASSETS + "dashboard.js", "dashboard.js",
            ASSETS + "favicon.svg", "favicon.svg");

    /**
     * Only our own files, no framing by another site, no sniffing, no Referer carrying an admin URL
     * elsewhere. {@code default-src 'self'} also refuses inline script and style, so the page keeps
     * every script and style in its own files.
     */
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY");

    private record Asset(byte[] body, String contentType, String etag) {
    }

    private final Map<String, Asset> byPath;

    private DashboardAssets(Map<String, Asset> byPath) {
        this.byPath = byPath;
    }

    /**
     * Reads the dashboard's files from the classpath.
     *
     * @throws IllegalStateException if one is missing or larger than the limit (a broken build)
     */
    static DashboardAssets load() {
        return load(name -> DashboardAssets.class.getResourceAsStream("dashboard/" + name));
    }

    /** Reads the files through {@code open}, which returns null for a missing one. */
    static DashboardAssets load(Function<String, InputStream> open) {
        requireNonNull(open, "open");
        Map<String, Asset> byPath = new LinkedHashMap<>();
        FILES.forEach((path, name) -> {
            byte[] body = read(open, name);
            byPath.put(path, new Asset(body, contentType(name), etag(body)));
        });
        return new DashboardAssets(Map.copyOf(byPath));
    }

    /** Whether {@code path} (decoded, without query) belongs to the dashboard rather than the JSON API. */
    static boolean handles(String path) {
        return path.equals(ROOT) || path.equals(PAGE) || path.startsWith(ASSETS);
    }

    /** The answer to a request whose path {@link #handles} accepted. */
    FullHttpResponse answer(HttpMethod method, String path, HttpHeaders requestHeaders) {
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "allowed methods: GET, HEAD");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return r;
        }
        if (path.equals(ROOT)) {
            // Relative, so the page still resolves when another proxy serves this listener under a prefix.
            FullHttpResponse r = empty(HttpResponseStatus.MOVED_PERMANENTLY);
            r.headers().set(HttpHeaderNames.LOCATION, "admin/").setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return r;
        }
        Asset asset = byPath.get(path);
        if (asset == null) {
            return text(HttpResponseStatus.NOT_FOUND, "no such dashboard file: " + path);
        }
        if (matches(requestHeaders.get(HttpHeaderNames.IF_NONE_MATCH), asset.etag())) {
            return validators(empty(HttpResponseStatus.NOT_MODIFIED), asset);
        }
        boolean head = method.equals(HttpMethod.HEAD);
        FullHttpResponse r = secured(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(asset.body())));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, asset.body().length);
        return validators(r, asset);
    }

    /** {@code If-None-Match} uses the weak comparison (RFC 9110, 13.1.2): a {@code W/} prefix is ignored. */
    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** A new PIBL may ship other files under the same names: the browser asks again every time. */
    private static FullHttpResponse validators(FullHttpResponse r, Asset asset) {
        r.headers().set(HttpHeaderNames.ETAG, asset.etag())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        return r;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String message) {
        byte[] body = (status + ": " + message + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = secured(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body)));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return r;
    }

    private static FullHttpResponse empty(HttpResponseStatus status) {
        return secured(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER));
    }

    private static FullHttpResponse secured(FullHttpResponse r) {
        SECURITY_HEADERS.forEach(r.headers()::set);
        return r;
    }

    private static byte[] read(Function<String, InputStream> open, String name) {
        try (InputStream in = open.apply(name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file " + name + " is missing from the classpath"
                        + " (expected under dev/pibl/admin/dashboard/ in the proxy-core jar)");
            }
            byte[] body = in.readNBytes(MAX_FILE_BYTES + 1);
            if (body.length > MAX_FILE_BYTES) {
                throw new IllegalStateException("dashboard file " + name + " is larger than "
                        + MAX_FILE_BYTES + " bytes (expected: a small static file)");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard file " + name, e);
        }
    }

    private static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        switch (extension) {
            case "html":
                return "text/html; charset=utf-8";
            case "css":
                return "text/css; charset=utf-8";
            case "js":
                return "text/javascript; charset=utf-8";
            case "svg":
                return "image/svg+xml";
            default:
                throw new IllegalArgumentException("no content type for dashboard file " + name);
        }
    }

    /** Strong, from the bytes: the same file in another build keeps its tag, a changed one does not. */
    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
