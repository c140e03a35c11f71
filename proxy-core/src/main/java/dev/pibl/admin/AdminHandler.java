package dev.pibl.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.cache.CacheStats;
import dev.pibl.cache.ResponseCache;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers admin requests:
 * <ul>
 *   <li>{@code GET /admin/health}: 200 while PIBL runs;</li>
 *   <li>{@code GET /admin/cache}: the cache's counters and sizes, as JSON;</li>
 *   <li>{@code DELETE /admin/cache?url=URL}: purges every stored variant of one URL: an absolute
 *       URL names one host, a path ({@code /static/app.js}) that path on every host. The parameter
 *       is percent-decoded once, then compared with targets as clients sent them;</li>
 *   <li>{@code DELETE /admin/cache?all=true}: purges everything.</li>
 * </ul>
 * With a token configured, every request must carry {@code Authorization: Bearer <token>} (401
 * otherwise). Every answer is JSON. One instance per admin connection, on its event loop.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What every admin connection shares. Thread-safe. */
    record Routes(String token, ResponseCache cache) {
    }

    private final Routes routes;

    AdminHandler(Routes routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        FullHttpResponse response = answer(request);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private FullHttpResponse answer(FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            return error(HttpResponseStatus.BAD_REQUEST, "malformed request");
        }
        if (!authorized(request)) {
            FullHttpResponse r = error(HttpResponseStatus.UNAUTHORIZED, "missing or wrong bearer token (admin.token)");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"pibl-admin\"");
            return r;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        HttpMethod method = request.method();
        switch (uri.path()) {
            case "/admin/health":
                return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)
                        ? json(HttpResponseStatus.OK, Map.of("status", "ok"))
                        : notAllowed("GET, HEAD");
            case "/admin/cache":
                if (routes.cache() == null) {
                    return error(HttpResponseStatus.NOT_FOUND, "the cache is disabled (cache.enabled: false)");
                }
                if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) {
                    return json(HttpResponseStatus.OK, cacheStatus(routes.cache()));
                }
                if (method.equals(HttpMethod.DELETE)) {
                    return purge(routes.cache(), uri.parameters());
                }
                return notAllowed("GET, HEAD, DELETE");
            default:
                return error(HttpResponseStatus.NOT_FOUND, "no such admin resource: " + uri.path());
        }
    }

    private boolean authorized(FullHttpRequest request) {
        String token = routes.token();
        if (token.isEmpty()) {
            return true;
        }
        String given = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        // Constant-time comparison: the token must not leak through response timing.
        return MessageDigest.isEqual(("Bearer " + token).getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse purge(ResponseCache cache, Map<String, List<String>> params) {
        for (String name : params.keySet()) {
            if (!name.equals("url") && !name.equals("all")) {
                return error(HttpResponseStatus.BAD_REQUEST, "unknown parameter " + name + " (expected: url=URL or all=true)");
            }
        }
        List<String> urls = params.get("url");
        if (urls == null) {
            // Emptying everything must be asked for: a mistyped parameter must not wipe the cache.
            if (List.of("true").equals(params.get("all"))) {
                return json(HttpResponseStatus.OK, Map.of("purged", cache.clear(), "scope", "all"));
            }
            return error(HttpResponseStatus.BAD_REQUEST, "say what to purge (expected: url=URL or all=true)");
        }
        if (urls.size() > 1 || params.containsKey("all")) {
            return error(HttpResponseStatus.BAD_REQUEST, "give one url parameter, or all=true, per request");
        }
        String url = urls.get(0);
        if (url.startsWith("/")) {
            return json(HttpResponseStatus.OK, Map.of("purged", cache.purge(null, url), "url", url));
        }
        try {
            URI parsed = new URI(url);
            if (parsed.getScheme() == null || parsed.getRawAuthority() == null
                    || !parsed.getScheme().equalsIgnoreCase("http") && !parsed.getScheme().equalsIgnoreCase("https")) {
                return badUrl(url);
            }
            String target = (parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath())
                    + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery());
            return json(HttpResponseStatus.OK, Map.of("purged", cache.purge(parsed.getRawAuthority(), target), "url", url));
        } catch (URISyntaxException e) {
            return badUrl(url);
        }
    }

    private static FullHttpResponse badUrl(String url) {
        return error(HttpResponseStatus.BAD_REQUEST,
                "url: " + url + " (expected: an absolute http URL such as http://example.com/a, or a path such as /a)");
    }

    private static Map<String, Object> cacheStatus(ResponseCache cache) {
        CacheStats s = cache.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hits", s.hits());
        m.put("misses", s.misses());
        m.put("stale", s.stale());
        m.put("revalidated", s.revalidated());
        m.put("bypasses", s.bypasses());
        m.put("stores", s.stores());
        m.put("coalesced", s.coalescedCount());
        m.put("bytesServed", s.bytesServed());
        m.put("memoryEntries", cache.memoryEntries());
        m.put("memoryBytes", cache.memoryBytes());
        m.put("memoryEvictions", s.memoryEvictions());
        m.put("diskEntries", cache.diskEntries());
        m.put("diskBytes", cache.diskBytes());
        m.put("diskIndexed", cache.indexed().isDone());
        return m;
    }

    private static FullHttpResponse notAllowed(String allow) {
        FullHttpResponse r = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "allowed methods: " + allow);
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        return r;
    }

    private static FullHttpResponse error(HttpResponseStatus status, String message) {
        return json(status, Map.of("error", message));
    }

    private static FullHttpResponse json(HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return r;
    }
}
