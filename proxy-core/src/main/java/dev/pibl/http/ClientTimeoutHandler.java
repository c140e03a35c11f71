package dev.pibl.http;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;

/**
 * Times out clients that are idle or too slow to send a request head.
 *
 * <p>Two pipeline entries share one instance's state: {@link #byteWatcher()} sits before the HTTP
 * codec and notices the first byte of a request; this handler sits after the codec (and after the
 * access log, so its 408 is logged) and sees decoded request heads and the responses written back.
 * States:
 * <ul>
 *   <li>waiting: no request in flight and no byte of the next one; after {@code idle} the
 *       connection is closed silently (a keep-alive timeout, as nginx does);</li>
 *   <li>reading a head: bytes arrived but no complete head yet; after {@code clientHeader} the
 *       client gets 408 and the connection closes (slowloris);</li>
 *   <li>busy: requests in flight; the proxy's own timeouts apply.</li>
 * </ul>
 * One instance per connection; event loop only.
 */
public final class ClientTimeoutHandler extends ChannelDuplexHandler {

    private enum State { WAITING, READING_HEAD, BUSY }

    private final long idleNanos;
    private final long headerNanos;
    private final ChannelInboundHandlerAdapter byteWatcher = new ByteWatcher();
    private ChannelHandlerContext ctx;
    private Deadline deadline;
    private State state = State.WAITING;
    private long requestsIn;
    private long responsesOut;

    public ClientTimeoutHandler(Duration idle, Duration clientHeader) {
        this.idleNanos = requireNonNull(idle, "idle").toNanos();
        this.headerNanos = requireNonNull(clientHeader, "clientHeader").toNanos();
    }

    /** The companion handler to add before the HTTP codec. */
    public ChannelInboundHandlerAdapter byteWatcher() {
        return byteWatcher;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadline = new Deadline(ctx.executor(), this::expired);
        if (ctx.channel().isActive()) {
            waitForRequest();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        waitForRequest();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline.cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            requestsIn++;
            state = State.BUSY;
            deadline.disarm();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            ctx.write(msg, promise);
            return;
        }
        if (msg instanceof LastHttpContent && ++responsesOut >= requestsIn) {
            waitForRequest();
        }
        ctx.write(msg, promise);
    }

    private void waitForRequest() {
        state = State.WAITING;
        deadline.arm(idleNanos);
    }

    private void onBytes() {
        if (state == State.WAITING) {
            state = State.READING_HEAD;
            deadline.arm(headerNanos);
        }
    }

    private void expired() {
        if (state == State.READING_HEAD) {
            state = State.BUSY;
            requestsIn++;
            ctx.writeAndFlush(ErrorResponses.build(ctx.alloc(), ProxyError.CLIENT_TIMEOUT,
                    "request head not received in time", RequestIds.next(), true))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (state == State.WAITING) {
            ctx.close();
        }
    }

    private final class ByteWatcher extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf && buf.isReadable()) {
                onBytes();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public boolean isSharable() {
            return false;
        }
    }
}
