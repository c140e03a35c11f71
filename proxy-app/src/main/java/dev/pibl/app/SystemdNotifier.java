package dev.pibl.app;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how PIBL is doing with the {@code sd_notify} protocol: newline-separated
 * {@code KEY=VALUE} lines, one datagram each, sent to the unix socket named by
 * {@code $NOTIFY_SOCKET} (a path, or {@code @name} for the abstract namespace). This is what lets
 * a {@code Type=notify} unit start only when PIBL listens, show a live status line in
 * {@code systemctl status}, and know when a reload has finished.
 *
 * <p>Without {@code $NOTIFY_SOCKET}, or where Netty's native epoll transport (the only way to send
 * a unix datagram from Java 17) does not load, every method does nothing. A send that fails is
 * logged once and otherwise ignored: telling systemd is never worth stopping the proxy for.
 *
 * <p>Thread-safe: any plain thread may call it (main, the reload thread); datagrams go out on the
 * notifier's own single event loop, so no caller waits on I/O and PIBL's event loops are never
 * involved. The periodic status runs on that loop too.
 */
final class SystemdNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);
    /** How long {@link #stopping} may hold up the drain to see its datagram out. */
    private static final long STOPPING_SEND_MILLIS = 1000;

    private final EventLoopGroup group;
    private final Channel channel;
    private final DomainSocketAddress target;
    private final String socketName;
    private final LongSupplier nanoTime;
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private volatile ScheduledFuture<?> periodic;
    private volatile boolean closed;

    private SystemdNotifier(EventLoopGroup group, Channel channel, DomainSocketAddress target, String socketName,
            LongSupplier nanoTime) {
        this.group = group;
        this.channel = channel;
        this.target = target;
        this.socketName = socketName;
        this.nanoTime = nanoTime;
    }

    /** A notifier for {@code $NOTIFY_SOCKET} in {@code env}, or one that does nothing without it. */
    static SystemdNotifier fromEnvironment(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return disabled();
        }
        return to(socket, System::nanoTime);
    }

    /** A notifier that does nothing. */
    static SystemdNotifier disabled() {
        return new SystemdNotifier(null, null, null, null, System::nanoTime);
    }

    /**
     * A notifier sending to {@code socket} ({@code /path} or {@code @abstract-name}), reading
     * {@code CLOCK_MONOTONIC} through {@code nanoTime} for {@code MONOTONIC_USEC} (HotSpot's
     * {@code System.nanoTime} on Linux is that clock). Does nothing, after a warning, when the
     * address is of a kind it cannot reach or epoll is unavailable.
     */
    static SystemdNotifier to(String socket, LongSupplier nanoTime) {
        requireNonNull(socket, "socket");
        requireNonNull(nanoTime, "nanoTime");
        DomainSocketAddress target;
        if (socket.startsWith("/")) {
            target = new DomainSocketAddress(socket);
        } else if (socket.startsWith("@") && socket.length() > 1) {
            // The abstract namespace: a sun_path whose first byte is NUL. Netty copies the path's
            // UTF-8 bytes as they are and passes their exact length, so "\0name" reaches it.
            target = new DomainSocketAddress("\0" + socket.substring(1));
        } else {
            // systemd 254+ may also hand out vsock: addresses (for virtual machines); not for us.
            LOG.warn("NOTIFY_SOCKET={} is neither a path nor an @abstract name: systemd will not be told "
                    + "PIBL's state (a Type=notify unit will time out starting)", socket);
            return disabled();
        }
        if (!Epoll.isAvailable()) {
            LOG.warn("NOTIFY_SOCKET is set but Netty's native epoll transport is unavailable ({}): systemd will not "
                    + "be told PIBL's state (a Type=notify unit will time out starting; use Type=exec)",
                    Epoll.unavailabilityCause().toString());
            return disabled();
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pibl-notify", true),
                EpollIoHandler.newFactory());
        try {
            // Never bound nor connected, as sd_notify's own socket: each datagram is addressed, and
            // active-on-registration lets an unbound datagram channel write.
            Channel channel = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
                    .handler(new ChannelInboundHandlerAdapter())
                    .register().syncUninterruptibly().channel();
            return new SystemdNotifier(group, channel, target, socket, nanoTime);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            LOG.warn("cannot open a socket for NOTIFY_SOCKET={} ({}): systemd will not be told PIBL's state",
                    socket, e.toString());
            return disabled();
        }
    }

    /** Whether datagrams are sent at all. */
    boolean enabled() {
        return channel != null;
    }

    /** PIBL listens: start-up is over. */
    void ready(String status) {
        send("READY=1\nSTATUS=" + oneLine(status) + "\nMAINPID=" + ProcessHandle.current().pid());
    }

    /**
     * A reload starts. systemd 253+ wants the monotonic time with it (to match it to the
     * {@code SIGHUP} it sent for {@code Type=notify-reload}); older ones ignore the field.
     */
    void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + nanoTime.getAsLong() / 1000 + "\nSTATUS=reloading the configuration");
    }

    /** The reload ended, applied or refused: {@code status} says which. */
    void reloaded(String status) {
        send("READY=1\nSTATUS=" + oneLine(status));
    }

    /**
     * Draining starts. Waits (up to a second) for the datagram to leave, since the process ends
     * soon after and systemd should see this before it sees the exit.
     */
    void stopping(String status) {
        ChannelFuture sent = send("STOPPING=1\nSTATUS=" + oneLine(status));
        if (sent != null) {
            sent.awaitUninterruptibly(STOPPING_SEND_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Replaces the status line {@code systemctl status} shows. */
    void status(String status) {
        send("STATUS=" + oneLine(status));
    }

    /**
     * Sends {@code STATUS=} with what {@code status} says, every {@code interval}, until
     * {@link #close}. {@code status} runs on the notifier's event loop: it must be quick and must
     * not block.
     */
    void statusEvery(Duration interval, Supplier<String> status) {
        requireNonNull(interval, "interval");
        requireNonNull(status, "status");
        if (channel == null) {
            return;
        }
        long millis = interval.toMillis();
        periodic = channel.eventLoop().scheduleAtFixedRate(() -> {
            try {
                status(status.get());
            } catch (RuntimeException e) {
                // A thrown exception would cancel the schedule; one bad round should not.
                logFailureOnce("could not build the status line", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the periodic status and releases the socket and the thread; idempotent. */
    @Override
    public void close() {
        if (channel == null || closed) {
            return;
        }
        closed = true;
        ScheduledFuture<?> p = periodic;
        if (p != null) {
            p.cancel(false);
        }
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private ChannelFuture send(String message) {
        if (channel == null || closed) {
            return null;
        }
        // One contiguous buffer, never a composite: Netty sends a composite with sendmsg and the full
        // sockaddr_un length, which names a different (NUL-padded) abstract socket.
        ByteBuf content = ByteBufUtil.writeUtf8(channel.alloc(), message);
        // A closed channel releases the packet and fails the future: nothing leaks after close.
        ChannelFuture sent = channel.writeAndFlush(new DomainDatagramPacket(content, target));
        sent.addListener(f -> {
            if (!f.isSuccess()) {
                logFailureOnce("cannot notify systemd through " + socketName, f.cause());
            }
        });
        return sent;
    }

    private void logFailureOnce(String what, Throwable cause) {
        if (failureLogged.compareAndSet(false, true)) {
            LOG.warn("{} ({}); PIBL runs on, this is reported once", what, String.valueOf(cause));
        }
    }

    /** A status is one line of the datagram: a newline in it would start a bogus field. */
    private static String oneLine(String status) {
        return requireNonNull(status, "status").replace('\n', ' ').replace('\r', ' ');
    }
}
