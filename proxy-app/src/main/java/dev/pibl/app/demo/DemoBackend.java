package dev.pibl.app.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * A demo HTTP/1.1 backend node: a small, fast server that names itself in every response
 * ({@code X-Backend}) so balancing is visible, and offers endpoints for the proxy's tests and
 * benchmarks (static files with validators, streamed bytes, echo, delays, any status). See
 * docs/demo-backends.md for the endpoints.
 *
 * <p>Threads: {@link #start} and {@link #startAll} are called from a setup thread (main, a CLI
 * command, a test) and block until bound. {@link #close} may be called from any thread except
 * one of the node's own event loops. Requests are served on the event loops only.
 */
public final class DemoBackend {

    private static final long CLOSE_TIMEOUT_SECONDS = 5;

    private final String name;
    private final Channel serverChannel;
    private final ChannelGroup channels;
    private final DemoContent content;
    private final EventLoopGroup group;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DemoBackend(String name, Channel serverChannel, ChannelGroup channels, DemoContent content,
                        EventLoopGroup group) {
        this.name = name;
        this.serverChannel = serverChannel;
        this.channels = channels;
        this.content = content;
        this.group = group;
    }

    /**
     * Starts a node named {@code name} listening on {@code bindHost:port} ({@code port} 0 picks a
     * free port; see {@link #port()}), serving on {@code group}, which the caller keeps owning.
     *
     * @throws IllegalArgumentException if the name is blank or not a valid header value, the port
     *                                  is out of range, or the group is neither epoll nor NIO
     * @throws IllegalStateException    if the address cannot be bound; the message names host:port
     */
    public static DemoBackend start(String name, String bindHost, int port, EventLoopGroup group) {
        requireNonNull(name, "name");
        requireNonNull(bindHost, "bindHost");
        requireNonNull(group, "group");
        checkName(name);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        DemoContent content = new DemoContent(name);
        // stayClosed: a connection accepted while close() runs is closed on arrival instead of leaking.
        ChannelGroup channels = new DefaultChannelGroup("demo-" + name, GlobalEventExecutor.INSTANCE, true);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(DemoTransport.serverChannelFor(group))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new DemoInitializer(content, channels));
        ChannelFuture bind = bootstrap.bind(bindHost, port).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            content.release();
            Throwable cause = bind.cause();
            String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            throw new IllegalStateException("demo backend " + name + " cannot listen on "
                    + hostPort(bindHost, port) + ": " + reason, cause);
        }
        channels.add(bind.channel());
        return new DemoBackend(name, bind.channel(), channels, content, group);
    }

    /**
     * Starts node-1 .. node-{@code count} on consecutive ports from {@code firstPort} (0 gives each
     * node its own free port, for tests), sharing one new group of {@code threads} event loops
     * (0 means Netty's default, two per core). If one node fails to start, those already started
     * are closed and the exception is rethrown.
     *
     * @throws IllegalArgumentException if count, threads or the port range is invalid
     * @throws IllegalStateException    if a port cannot be bound; the message names host:port
     */
    public static DemoBackendGroup startAll(String host, int firstPort, int count, int threads) {
        requireNonNull(host, "host");
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 0)");
        }
        if (firstPort < 0 || firstPort > 0 && (long) firstPort + count - 1 > 65_535) {
            throw new IllegalArgumentException("firstPort: " + firstPort + " with count " + count
                    + " (expected: 0, or ports that end at or below 65535)");
        }
        EventLoopGroup group = DemoTransport.newGroup(threads);
        List<DemoBackend> started = new ArrayList<>(count);
        try {
            for (int i = 1; i <= count; i++) {
                started.add(start("node-" + i, host, firstPort == 0 ? 0 : firstPort + i - 1, group));
            }
        } catch (RuntimeException e) {
            DemoBackendGroup.closeAll(started, group);
            throw e;
        }
        return new DemoBackendGroup(started, group);
    }

    /** The port actually bound, which differs from the requested one when that was 0. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public String name() {
        return name;
    }

    /**
     * Stops accepting, closes open connections (responses in flight are cut), and drops the node's
     * buffers. Idempotent. Does not shut down the event loop group, which the caller owns.
     *
     * @throws IllegalStateException if called from one of the group's event loops, where waiting would deadlock
     */
    public void close() {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                throw new IllegalStateException("close() must not run on the node's event loop " + loop);
            }
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channels.close().awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        content.release();
    }

    @Override
    public String toString() {
        return name + "@" + serverChannel.localAddress();
    }

    private static void checkName(String name) {
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: a non-blank name)");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            // The name travels as the X-Backend header value, so it must be visible ASCII or space.
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("name: \"" + name + "\" (expected: printable ASCII)");
            }
        }
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
