package dev.pibl.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * The connections from one event loop to the scoring service: opens them, and keeps the idle
 * keep-alive ones for the next call (newest first, at most {@code maxIdle}). A connection is lent
 * to one {@link ScorerCall} at a time, which gets everything the connection reads; an idle
 * connection that reads anything, or closes, leaves the pool. Confined to its event loop.
 */
final class ScorerConnections {

    /** A score answer is a few bytes; anything near this is not one. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final Bootstrap bootstrap;
    private final int maxIdle;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();

    ScorerConnections(EventLoop loop, Class<? extends SocketChannel> channelClass, int connectTimeoutMillis,
            int maxIdle) {
        this.maxIdle = maxIdle;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                // The call's own deadline comes first; this only keeps the OS from trying for minutes.
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_ANSWER_BYTES),
                                new Relay());
                    }
                });
    }

    /** A new connection; the caller adopts it once connected, with {@link #track}. */
    ChannelFuture connect(InetSocketAddress address) {
        return bootstrap.connect(address);
    }

    /** Makes a connected channel leave the idle set when it closes. */
    void track(Channel ch) {
        ch.closeFuture().addListener(f -> idle.remove(ch));
    }

    /** The newest idle connection still open, or null. */
    Channel pollIdle() {
        Channel ch;
        while ((ch = idle.pollLast()) != null) {
            if (ch.isActive()) {
                return ch;
            }
            ch.close();
        }
        return null;
    }

    /** Keeps a connection with no exchange outstanding for reuse, or closes it when it cannot be kept. */
    void offer(Channel ch) {
        if (!ch.isActive() || idle.size() >= maxIdle) {
            ch.close();
            return;
        }
        idle.addLast(ch);
    }

    /** Gives everything {@code ch} reads, and its failure, to {@code call} until {@link #unlend}. */
    static void lend(Channel ch, ScorerCall call) {
        ch.pipeline().get(Relay.class).call = call;
    }

    static void unlend(Channel ch) {
        Relay relay = ch.pipeline().get(Relay.class);
        if (relay != null) {
            relay.call = null;
        }
    }

    /**
     * The last handler of a scorer connection, after the codec and the aggregator: hands the
     * aggregated answer, a close or a failure to the call the connection is lent to. An idle
     * connection has no business reading anything, so a message then closes it. One per
     * connection; its event loop.
     */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private ScorerCall call;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ScorerCall c = call;
            if (c == null || !(msg instanceof FullHttpResponse response)) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            call = null;
            c.answered(ctx.channel(), response);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ScorerCall c = call;
            call = null;
            if (c != null) {
                c.broken(ctx.channel(), null);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ScorerCall c = call;
            call = null;
            ctx.close();
            if (c != null) {
                c.broken(ctx.channel(), cause);
            }
        }
    }
}
