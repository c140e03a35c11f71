package dev.pibl.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a backend connection, after the HTTP client codec. While the connection is
 * lent to an exchange it hands every decoded response message, read-complete, writability change
 * and failure to that exchange's {@link ProxyHandler} (same event loop, so no locking); while it
 * sits idle in the pool, anything the backend sends is unexpected and closes the connection.
 * One instance per backend connection; event loop only.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    private ProxyHandler owner;
    /** When the connection went back to the pool, on the event loop's ticker. */
    long idleSinceNanos;

    void bind(ProxyHandler newOwner) {
        owner = newOwner;
    }

    void unbind() {
        owner = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ProxyHandler o = owner;
        if (o == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        o.onUpstreamRead(ctx.channel(), msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ProxyHandler o = owner;
        if (o != null) {
            o.onUpstreamReadComplete(ctx.channel());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ProxyHandler o = owner;
        if (o != null) {
            o.onUpstreamWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ProxyHandler o = owner;
        owner = null;
        if (o != null) {
            o.onUpstreamClosed(ctx.channel(), null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProxyHandler o = owner;
        owner = null;
        ctx.close();
        if (o != null) {
            o.onUpstreamClosed(ctx.channel(), cause);
        }
    }
}
