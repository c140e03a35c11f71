package dev.pibl.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend for tests on 127.0.0.1 and an ephemeral port. Records every request it receives
 * (method, uri, headers in order, body) and every connection it accepts, and answers through a
 * {@link Responder}: by default {@code 200} with the body {@code name}.
 */
public final class TestBackend implements AutoCloseable {

    /** Decides the answer; runs on the backend's event loop and must write exactly one response. */
    @FunctionalInterface
    public interface Responder {
        void respond(ChannelHandlerContext ctx, FullHttpRequest request, TestBackend backend);
    }

    /** One request as the backend received it. */
    public record Recorded(String method, String uri, List<Map.Entry<String, String>> headers, String body) {
        public String header(String name) {
            return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        public List<String> headerNames() {
            return headers.stream().map(Map.Entry::getKey).toList();
        }
    }

    private final String name;
    private final EventLoopGroup group;
    private final Channel listener;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final List<Channel> open = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private TestBackend(String name, Responder responder) throws InterruptedException {
        this.name = name;
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        open.add(ch);
                        ch.closeFuture().addListener(f -> open.remove(ch));
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 * 1024 * 1024),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        requests.add(new Recorded(req.method().name(), req.uri(),
                                                List.copyOf(req.headers().entries()),
                                                req.content().toString(StandardCharsets.UTF_8)));
                                        responder.respond(ctx, req, TestBackend.this);
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public static TestBackend start(String name) throws InterruptedException {
        return new TestBackend(name, (ctx, req, b) -> b.reply(ctx, req, HttpResponseStatus.OK, b.name()));
    }

    public static TestBackend start(String name, Responder responder) throws InterruptedException {
        return new TestBackend(name, responder);
    }

    /** Writes a complete text response, keeping the connection open when the request allows it. */
    public void reply(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        res.headers().set("X-Backend", name);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Connections accepted since start. */
    public int connectionsAccepted() {
        return connections.get();
    }

    /** Connections currently open to this backend. */
    public int openConnections() {
        return open.size();
    }

    public List<Recorded> requests() {
        return requests;
    }

    /** Closes every connection the backend holds open (as a backend restarting would). */
    public void closeConnections() {
        open.forEach(Channel::close);
    }

    /** Stops the backend; a second call does nothing (a test may stop it early, its fixture again). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listener.close().syncUninterruptibly();
        open.forEach(Channel::close);
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
