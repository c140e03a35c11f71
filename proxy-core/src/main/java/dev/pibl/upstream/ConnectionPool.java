package dev.pibl.upstream;

import dev.pibl.balance.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections from one event loop to one backend. Confined to that event loop, so the
 * request path takes no lock (the model of Zuul's PerServerConnectionPool and Armeria's
 * HttpChannelPool).
 *
 * <p>Idle connections are reused newest first, so a quiet period lets the oldest ones age out.
 * A connection is validated on take (still open, idle less than the upstream-idle timeout), and
 * never pooled again when the backend said {@code Connection: close} or the exchange ended
 * abnormally. At most {@code maxConnections} are open or opening; further requests wait in a
 * bounded queue for a connection to come back, and fail with 503 when the queue is full or the
 * wait exceeds {@code pendingTimeout}.
 */
final class ConnectionPool {

    /** Someone waiting for a connection: an exchange. Called back on the pool's event loop. */
    interface Waiter {
        /** {@code reused}: the connection had served an earlier exchange (it may have gone stale). */
        void acquired(Channel channel, boolean reused);

        void acquireFailed(UpstreamFailure failure, Throwable cause);

        /** True once the waiter no longer wants a connection (its client went away). */
        boolean cancelled();
    }

    private final Backend backend;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Ticker ticker;
    private final int maxConnections;
    private final int maxPending;
    private final long pendingTimeoutNanos;
    private final long idleTimeoutNanos;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final ArrayDeque<Pending> waiters = new ArrayDeque<>();
    private int open;
    /** Of {@code open}, those still connecting. */
    private int connecting;
    /** Failed and timed-out connection attempts; written on the loop only, read by metrics. */
    private volatile long connectErrors;
    private boolean closed;

    ConnectionPool(Backend backend, EventLoop loop, Bootstrap bootstrap, int maxConnections, int maxPending,
            long pendingTimeoutNanos, long idleTimeoutNanos) {
        this.backend = backend;
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.ticker = loop.ticker();
        this.maxConnections = maxConnections;
        this.maxPending = maxPending;
        this.pendingTimeoutNanos = pendingTimeoutNanos;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    Backend backend() {
        return backend;
    }

    /**
     * Lends a connection to {@code waiter}, now if one is idle, else when one opens or comes back.
     * With {@code fresh} the idle ones are passed over: the caller wants a new connection, after
     * a reused one turned out to be closed by the backend.
     */
    void acquire(Waiter waiter, boolean fresh) {
        if (closed) {
            waiter.acquireFailed(UpstreamFailure.POOL_CLOSED, null);
            return;
        }
        long now = ticker.nanoTime();
        Channel ch;
        while (!fresh && (ch = idle.pollLast()) != null) {
            if (usable(ch, now)) {
                waiter.acquired(ch, true);
                return;
            }
            ch.close();
        }
        if (open < maxConnections) {
            connect(waiter);
            return;
        }
        if (waiters.size() >= maxPending) {
            dropCancelledWaiters(); // clients that went away must not keep others out
        }
        if (waiters.size() >= maxPending) {
            waiter.acquireFailed(UpstreamFailure.POOL_FULL, null);
            return;
        }
        Pending p = new Pending(waiter);
        p.timer = loop.schedule(p, pendingTimeoutNanos, TimeUnit.NANOSECONDS);
        waiters.addLast(p);
    }

    /**
     * Takes a connection back. {@code reusable} is false when the backend asked to close it or the
     * exchange on it did not end cleanly; such a connection is closed, never pooled.
     */
    void release(Channel ch, boolean reusable) {
        if (closed || !reusable || !ch.isActive()) {
            ch.close();
            return;
        }
        Pending p;
        while ((p = waiters.pollFirst()) != null) {
            p.timer.cancel(false);
            if (!p.waiter.cancelled()) {
                p.waiter.acquired(ch, true);
                return;
            }
        }
        ch.pipeline().get(UpstreamHandler.class).idleSinceNanos = ticker.nanoTime();
        idle.addLast(ch);
    }

    /** Closes connections idle longer than the upstream-idle timeout; run periodically. */
    void evictIdle() {
        long now = ticker.nanoTime();
        Channel ch;
        while ((ch = idle.peekFirst()) != null && !usable(ch, now)) {
            idle.pollFirst();
            ch.close();
        }
    }

    /** Closes every idle connection and refuses new acquisitions; lent ones close on release. */
    void close() {
        closed = true;
        Channel ch;
        while ((ch = idle.pollFirst()) != null) {
            ch.close();
        }
        Pending p;
        while ((p = waiters.pollFirst()) != null) {
            p.timer.cancel(false);
            p.waiter.acquireFailed(UpstreamFailure.POOL_CLOSED, null);
        }
    }

    /**
     * Adds this pool's counts to {@code into}. Called from another thread (a metrics scrape): the
     * reads are racy, so a count may be a moment old, never torn.
     */
    void addUsage(UpstreamPools.Usage.Builder into) {
        int idleNow = idle.size();
        int connectingNow = connecting;
        into.add(Math.max(0, open - idleNow - connectingNow), idleNow, connectingNow, waiters.size(), connectErrors);
    }

    private boolean usable(Channel ch, long now) {
        return ch.isActive() && now - ch.pipeline().get(UpstreamHandler.class).idleSinceNanos < idleTimeoutNanos;
    }

    private void connect(Waiter waiter) {
        open++;
        connecting++;
        ChannelFuture f = bootstrap.connect(backend.address());
        Channel ch = f.channel();
        ch.closeFuture().addListener(x -> onClosed(ch));
        f.addListener(x -> {
            connecting--;
            if (f.isSuccess()) {
                if (waiter.cancelled()) {
                    release(ch, true);
                } else {
                    waiter.acquired(ch, false);
                }
                return;
            }
            ch.close();
            connectErrors++; // one writer, this loop: no lost updates
            if (!waiter.cancelled()) {
                waiter.acquireFailed(f.cause() instanceof ConnectTimeoutException
                        ? UpstreamFailure.CONNECT_TIMEOUT : UpstreamFailure.CONNECT_FAILED, f.cause());
            }
        });
    }

    private void dropCancelledWaiters() {
        waiters.removeIf(p -> {
            if (p.waiter.cancelled()) {
                p.timer.cancel(false);
                return true;
            }
            return false;
        });
    }

    private void onClosed(Channel ch) {
        open--;
        idle.remove(ch);
        // A slot freed up: open a connection for the oldest live waiter.
        Pending p;
        while (!closed && open < maxConnections && (p = waiters.pollFirst()) != null) {
            p.timer.cancel(false);
            if (!p.waiter.cancelled()) {
                connect(p.waiter);
            }
        }
    }

    private final class Pending implements Runnable {
        final Waiter waiter;
        ScheduledFuture<?> timer;

        Pending(Waiter waiter) {
            this.waiter = waiter;
        }

        @Override
        public void run() {
            for (Iterator<Pending> it = waiters.iterator(); it.hasNext(); ) {
                if (it.next() == this) {
                    it.remove();
                    if (!waiter.cancelled()) {
                        waiter.acquireFailed(UpstreamFailure.PENDING_TIMEOUT, null);
                    }
                    return;
                }
            }
        }
    }
}
