package dev.pibl.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * A backend that never holds a body in memory: {@code GET /bytes?n=N[&chunked=1]} streams N
 * pattern bytes (byte i is {@code i % 251}); any request with a body is answered, after its last
 * byte, with {@code "<count> <crc32>"} of what arrived. For the big-body streaming tests.
 */
public final class StreamingBackend implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel listener;

    public StreamingBackend() throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new ChunkedWriteHandler(), new Handler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The expected CRC32 of the first {@code n} pattern bytes. */
    public static long patternCrc(long n) {
        CRC32 crc = new CRC32();
        byte[] block = new byte[251 * 64];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i % 251);
        }
        long left = n;
        while (left > 0) {
            int len = (int) Math.min(block.length, left);
            crc.update(block, 0, len);
            left -= len;
        }
        return crc.getValue();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        private long count;
        private final CRC32 crc = new CRC32();
        private boolean download;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                count = 0;
                crc.reset();
                download = req.uri().startsWith("/bytes");
                if (download) {
                    QueryStringDecoder q = new QueryStringDecoder(req.uri());
                    long n = Long.parseLong(q.parameters().get("n").get(0));
                    boolean chunked = q.parameters().containsKey("chunked");
                    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    if (chunked) {
                        res.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
                    } else {
                        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, n);
                    }
                    ctx.write(res);
                    ctx.writeAndFlush(new HttpChunkedInput(new Pattern(n)));
                }
            }
            if (msg instanceof HttpContent content) {
                ByteBuf buf = content.content();
                count += buf.readableBytes();
                if (buf.hasArray()) {
                    crc.update(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
                } else {
                    crc.update(buf.nioBuffer());
                }
                boolean last = msg instanceof LastHttpContent;
                content.release();
                if (last && !download) {
                    byte[] body = (count + " " + crc.getValue()).getBytes(StandardCharsets.US_ASCII);
                    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                            Unpooled.wrappedBuffer(body));
                    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    ctx.writeAndFlush(res);
                }
            } else if (!(msg instanceof HttpRequest)) {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }
    }

    /** N bytes of the pattern, 64 KiB at a time, produced only as the socket accepts them. */
    private static final class Pattern implements ChunkedInput<ByteBuf> {
        /** The pattern, long enough that a 64 KiB chunk can start at any phase of it. */
        private static final byte[] PATTERN = new byte[64 * 1024 + 251];

        static {
            for (int i = 0; i < PATTERN.length; i++) {
                PATTERN[i] = (byte) (i % 251);
            }
        }

        private final long length;
        private long sent;

        Pattern(long length) {
            this.length = length;
        }

        @Override
        public boolean isEndOfInput() {
            return sent >= length;
        }

        @Override
        public void close() {
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) {
            if (isEndOfInput()) {
                return null;
            }
            int len = (int) Math.min(64 * 1024, length - sent);
            ByteBuf buf = allocator.heapBuffer(len);
            buf.writeBytes(PATTERN, (int) (sent % 251), len);
            sent += len;
            return buf;
        }

        @Override
        @Deprecated
        public ByteBuf readChunk(ChannelHandlerContext ctx) {
            return readChunk(ctx.alloc());
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public long progress() {
            return sent;
        }
    }
}
