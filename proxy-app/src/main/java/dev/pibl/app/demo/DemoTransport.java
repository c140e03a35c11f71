package dev.pibl.app.demo;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Native epoll where the platform has it, NIO elsewhere; the server channel must match the group's
 * IO type. Called from setup threads only.
 *
 * <p>The epoll classes are reached by name because proxy-core puts the epoll jar on the runtime
 * classpath only (the Netty BOM scopes the native classifier jar {@code runtime}), so they cannot
 * be compiled against from here. Once proxy-core also depends on netty-transport-classes-epoll at
 * compile scope, this can call {@code Epoll.isAvailable()} and {@code EpollIoHandler.newFactory()}
 * directly.
 */
final class DemoTransport {

    private static final Epoll EPOLL = Epoll.load();

    private DemoTransport() {
    }

    /** A group of {@code threads} event loops (0 means Netty's default, two per core). */
    static MultiThreadIoEventLoopGroup newGroup(int threads) {
        IoHandlerFactory io = EPOLL != null ? EPOLL.factory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("pibl-demo"), io);
    }

    static Class<? extends ServerChannel> serverChannelFor(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            if (EPOLL != null && io.isIoType(EPOLL.handler())) {
                return EPOLL.serverChannel();
            }
            if (io.isIoType(NioIoHandler.class)) {
                return NioServerSocketChannel.class;
            }
        }
        throw new IllegalArgumentException("group: " + group.getClass().getName()
                + " (expected: a MultiThreadIoEventLoopGroup with the epoll or NIO IoHandler)");
    }

    private record Epoll(Class<? extends IoHandler> handler, Class<? extends ServerChannel> serverChannel,
                         IoHandlerFactory factory) {

        /** The epoll classes when they are present and the native library loads, else null. */
        static Epoll load() {
            try {
                ClassLoader loader = DemoTransport.class.getClassLoader();
                Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll", true, loader);
                if (!(Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                    return null;
                }
                Class<? extends IoHandler> handler = Class.forName("io.netty.channel.epoll.EpollIoHandler", true, loader)
                        .asSubclass(IoHandler.class);
                Class<? extends ServerChannel> serverChannel =
                        Class.forName("io.netty.channel.epoll.EpollServerSocketChannel", true, loader)
                                .asSubclass(ServerChannel.class);
                IoHandlerFactory factory = (IoHandlerFactory) handler.getMethod("newFactory").invoke(null);
                return new Epoll(handler, serverChannel, factory);
            } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
                return null;
            }
        }
    }
}
