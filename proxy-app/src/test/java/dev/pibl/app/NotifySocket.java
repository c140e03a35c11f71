package dev.pibl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What systemd's end of {@code $NOTIFY_SOCKET} sees: a bound unix datagram socket collecting
 * every {@code sd_notify} message, parsed into its fields in order. For the notifier tests.
 */
final class NotifySocket implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final String address;
    private final BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();

    private NotifySocket(String address) {
        this.address = address;
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        String path = address.startsWith("@") ? "\0" + address.substring(1) : address;
        channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        received.add(fields(packet.content().toString(StandardCharsets.UTF_8)));
                    }
                })
                .bind(new DomainSocketAddress(path)).syncUninterruptibly().channel();
    }

    /** Binds {@code address}: a path, or {@code @name} in the abstract namespace. Skips where epoll is missing. */
    static NotifySocket bind(String address) {
        assumeEpoll();
        return new NotifySocket(address);
    }

    /** Skips the test where Netty's native epoll, needed for unix datagrams, does not load. */
    static void assumeEpoll() {
        assumeTrue(Epoll.isAvailable(), () -> "unix datagram sockets need Netty's native epoll transport, "
                + "unavailable here: " + Epoll.unavailabilityCause());
    }

    /** What to put in {@code $NOTIFY_SOCKET}. */
    String address() {
        return address;
    }

    /** The next message; fails after 30 s without one. */
    Map<String, String> next() throws InterruptedException {
        Map<String, String> message = received.poll(30, TimeUnit.SECONDS);
        assertThat(message).as("an sd_notify message within 30 s").isNotNull();
        return message;
    }

    /** The next message that {@code wanted} accepts, skipping others (periodic status lines). */
    Map<String, String> next(Predicate<Map<String, String>> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Map<String, String> message = received.poll(100, TimeUnit.MILLISECONDS);
            if (message != null && wanted.test(message)) {
                return message;
            }
        }
        throw new AssertionError("no wanted sd_notify message within 30 s");
    }

    /** Whether {@code message} is a periodic status line and nothing else. */
    static boolean statusOnly(Map<String, String> message) {
        return message.size() == 1 && message.containsKey("STATUS");
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static Map<String, String> fields(String datagram) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : datagram.split("\n")) {
            int eq = line.indexOf('=');
            fields.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
        }
        return fields;
    }
}
