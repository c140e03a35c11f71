package dev.pibl.app.demo;

import dev.pibl.server.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The demo backends' event loops and server channel, on the same transport as the proxy
 * ({@link Transport#current()}: native epoll where it loads, NIO elsewhere). The server channel
 * must match the group's I/O type. Called from setup threads only.
 */
final class DemoTransport {

    private DemoTransport() {
    }

    /** A group of {@code threads} event loops (0 means Netty's default, two per core). */
    static MultiThreadIoEventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("pibl-demo"),
                Transport.current().ioHandlerFactory());
    }

    static Class<? extends ServerChannel> serverChannelFor(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            for (Transport t : Transport.values()) {
                if (io.isIoType(t.ioHandlerClass())) {
                    return t.serverChannelClass();
                }
            }
        }
        throw new IllegalArgumentException("group: " + group.getClass().getName()
                + " (expected: a MultiThreadIoEventLoopGroup with the epoll or NIO IoHandler)");
    }
}
