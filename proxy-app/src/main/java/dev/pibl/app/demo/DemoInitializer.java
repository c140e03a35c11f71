package dev.pibl.app.demo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

import static java.util.Objects.requireNonNull;

/** Builds each accepted connection's pipeline: the HTTP codec, then the demo handler. Runs on the child's event loop. */
final class DemoInitializer extends ChannelInitializer<Channel> {

    private static final String CODEC = "http-codec";
    private static final String HANDLER = "demo";

    private final DemoContent node;
    private final ChannelGroup connections;

    DemoInitializer(DemoContent node, ChannelGroup connections) {
        this.node = requireNonNull(node, "node");
        this.connections = requireNonNull(connections, "connections");
    }

    @Override
    protected void initChannel(Channel ch) {
        // Tracked so close() can end keep-alive connections, not only stop accepting new ones.
        connections.add(ch);
        ch.pipeline()
                .addLast(CODEC, new HttpServerCodec(decoderConfig()))
                .addLast(HANDLER, new DemoHandler(node));
    }

    private static HttpDecoderConfig decoderConfig() {
        // 64 KiB content pieces instead of 8 KiB: /echo forwards each piece, so fewer, larger writes.
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(8 * 1024)
                .setMaxHeaderSize(16 * 1024)
                .setMaxChunkSize(64 * 1024);
    }
}
