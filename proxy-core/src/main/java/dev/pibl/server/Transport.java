package dev.pibl.server;

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The I/O transport: native epoll on Linux when its library loads, NIO everywhere else. The
 * system property {@code pibl.transport=nio} forces NIO (to compare, or to work around a native
 * problem). Immutable; thread-safe.
 */
public enum Transport {
    EPOLL,
    NIO;

    /** The transport this JVM will use. */
    public static Transport current() {
        if ("nio".equalsIgnoreCase(System.getProperty("pibl.transport", ""))) {
            return NIO;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** The IoHandler type of this transport's event loops. */
    public Class<? extends IoHandler> ioHandlerClass() {
        return this == EPOLL ? EpollIoHandler.class : NioIoHandler.class;
    }

    public Class<? extends ServerChannel> serverChannelClass() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> socketChannelClass() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
