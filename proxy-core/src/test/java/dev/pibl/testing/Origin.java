package dev.pibl.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An origin server for cache tests: each path answers what the test set with {@link #on}, with
 * the headers it names (ETag, Cache-Control...), after an optional delay. A request whose
 * If-None-Match matches the reply's ETag gets 304, as a real origin would. Counts what it served.
 */
public final class Origin implements AutoCloseable {

    /** One answer: status, header pairs in order, body, and how long to wait before sending it. */
    public record Reply(int status, List<Map.Entry<String, String>> headers, byte[] body, long delayMillis) {
        public String header(String name) {
            return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    private final Map<String, Function<FullHttpRequest, Reply>> routes = new ConcurrentHashMap<>();
    private final Map<String, Function<FullHttpRequest, Reply>> prefixes = new ConcurrentHashMap<>();
    private final TestBackend backend;

    private Origin() throws InterruptedException {
        this.backend = TestBackend.start("origin", (ctx, req, b) -> answer(ctx, req));
    }

    public static Origin start() throws InterruptedException {
        return new Origin();
    }

    /** {@code path} answers {@code status} with {@code body} and the header pairs name, value, name, value... */
    public Origin on(String path, int status, String body, String... headers) {
        return on(path, req -> reply(status, body, headers));
    }

    /** {@code path} answers what {@code route} says for each request. */
    public Origin on(String path, Function<FullHttpRequest, Reply> route) {
        routes.put(path, route);
        return this;
    }

    /** Every path starting with {@code prefix} (and without its own route) answers what {@code route} says. */
    public Origin onPrefix(String prefix, Function<FullHttpRequest, Reply> route) {
        prefixes.put(prefix, route);
        return this;
    }

    public static Reply reply(int status, String body, String... headers) {
        return reply(status, body.getBytes(StandardCharsets.UTF_8), 0, headers);
    }

    public static Reply reply(int status, byte[] body, long delayMillis, String... headers) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            pairs.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new Reply(status, pairs, body, delayMillis);
    }

    public int port() {
        return backend.port();
    }

    public TestBackend backend() {
        return backend;
    }

    /** Requests received for {@code uri} (path and query, as sent). */
    public List<TestBackend.Recorded> requests(String uri) {
        return backend.requests().stream().filter(r -> r.uri().equals(uri)).toList();
    }

    public int hits(String uri) {
        return requests(uri).size();
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest req) {
        Function<FullHttpRequest, Reply> route = routes.get(req.uri());
        if (route == null) {
            route = prefixes.entrySet().stream().filter(e -> req.uri().startsWith(e.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
        Reply r = route == null ? reply(404, "no route for " + req.uri()) : route.apply(req);
        String etag = r.header("ETag");
        boolean notModified = etag != null && etag.equals(req.headers().get(HttpHeaderNames.IF_NONE_MATCH));
        int status = notModified ? 304 : r.status();
        ByteBuf body = notModified || req.method().name().equals("HEAD") ? Unpooled.EMPTY_BUFFER
                : Unpooled.wrappedBuffer(r.body());
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
        for (Map.Entry<String, String> h : r.headers()) {
            res.headers().add(h.getKey(), h.getValue());
        }
        if (!notModified && status != 204) {
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
        Runnable send = () -> {
            var f = ctx.writeAndFlush(res);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        };
        if (r.delayMillis() > 0) {
            ctx.executor().schedule(send, r.delayMillis(), TimeUnit.MILLISECONDS);
        } else {
            send.run();
        }
    }

    @Override
    public void close() {
        backend.close();
    }
}
