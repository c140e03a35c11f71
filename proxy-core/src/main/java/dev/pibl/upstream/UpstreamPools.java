package dev.pibl.upstream;

import static java.util.Objects.requireNonNull;

import dev.pibl.balance.Backend;
import dev.pibl.config.TimeoutsConfig;
import dev.pibl.config.UpstreamConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * All backend connection pools: one {@link ConnectionPool} per event loop per backend, so an
 * inbound connection always borrows an upstream connection that lives on its own event loop.
 *
 * <p>A reload makes a new generation with {@link #next}: each event loop's pools move over to it
 * the first time that loop asks for them (or when {@link #handOver} gets there first). A backend
 * the new configuration still has keeps its pool, idle connections included; one it dropped has
 * its pool retired: idle connections close at once, lent ones when their exchange ends.
 *
 * <p>{@link #forLoop} is called from the event loop it names, by the proxy stage at the start of
 * an exchange; everything after that is confined to the event loop. {@link #next},
 * {@link #handOver} and {@link #close} may be called from any thread.
 */
public final class UpstreamPools {

    /** Upstream pipeline names. */
    static final String CODEC = "upstream-codec";
    static final String RELAY = "upstream-relay";

    private final List<Backend> backends;
    private final Class<? extends Channel> channelClass;
    private final int maxConnectionsPerLoop;
    private final int maxPending;
    private final long pendingTimeoutNanos;
    private final long idleTimeoutNanos;
    private final int connectTimeoutMillis;
    private final ConcurrentHashMap<EventLoop, LoopPools> loops = new ConcurrentHashMap<>();
    /** The generation this one replaced (which links to the one before it, and so on). */
    private final UpstreamPools previous;
    private volatile boolean closed;

    /**
     * @param eventLoops how many event loops share {@code upstream.max-connections}
     * @param channelClass the client socket channel class matching the event loops' transport
     */
    public UpstreamPools(List<Backend> backends, UpstreamConfig upstream, TimeoutsConfig timeouts, int eventLoops,
            Class<? extends Channel> channelClass) {
        this(backends, upstream, timeouts, eventLoops, channelClass, null);
    }

    private UpstreamPools(List<Backend> backends, UpstreamConfig upstream, TimeoutsConfig timeouts, int eventLoops,
            Class<? extends Channel> channelClass, UpstreamPools previous) {
        this.backends = List.copyOf(requireNonNull(backends, "backends"));
        this.channelClass = requireNonNull(channelClass, "channelClass");
        this.maxConnectionsPerLoop = Math.max(1, (upstream.maxConnections() + eventLoops - 1) / eventLoops);
        this.maxPending = upstream.maxPending();
        this.pendingTimeoutNanos = upstream.pendingTimeout().toNanos();
        this.idleTimeoutNanos = timeouts.upstreamIdle().toNanos();
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis());
        this.previous = previous;
    }

    /**
     * The generation that replaces this one on a reload, for {@code backends} with the reloaded
     * limits and timeouts. Nothing moves until an event loop asks for its pools or {@link #handOver}
     * runs; until then this generation goes on serving whoever still uses it.
     */
    public UpstreamPools next(List<Backend> backends, UpstreamConfig upstream, TimeoutsConfig timeouts, int eventLoops) {
        return new UpstreamPools(backends, upstream, timeouts, eventLoops, channelClass, this);
    }

    /**
     * Moves every event loop's pools over to this generation now, rather than at each loop's next
     * exchange, so that connections to removed backends close without waiting for traffic. Returns
     * at once; the moves run on the event loops. A loop whose pools a newer generation took first
     * is left alone: this one has nothing to take there, and builds nothing for it.
     */
    public void handOver() {
        for (EventLoop loop : olderLoops()) {
            if (loop.isShuttingDown()) {
                continue;
            }
            loop.execute(() -> {
                if (!loops.containsKey(loop) && holdsOlder(loop)) {
                    forLoop(loop);
                }
            });
        }
    }

    /** The loops any older generation has pools for. */
    private Set<EventLoop> olderLoops() {
        Set<EventLoop> all = new HashSet<>();
        for (UpstreamPools p = previous; p != null; p = p.previous) {
            all.addAll(p.loops.keySet());
        }
        return all;
    }

    /** Whether an older generation still has pools for {@code loop}; on that loop. */
    private boolean holdsOlder(EventLoop loop) {
        for (UpstreamPools p = previous; p != null; p = p.previous) {
            if (p.loops.containsKey(loop)) {
                return true;
            }
        }
        return false;
    }

    /** Whether this generation has built or taken pools for {@code loop} (tests). */
    boolean hasPools(EventLoop loop) {
        return loops.containsKey(loop);
    }

    /** The pools of {@code loop}; call on that loop. */
    LoopPools forLoop(EventLoop loop) {
        LoopPools lp = loops.get(loop);
        return lp != null ? lp : loops.computeIfAbsent(loop, this::newLoopPools);
    }

    /**
     * Takes the newest pools an older generation has for {@code loop} (older ones still there are
     * retired: a generation that never served on this loop skipped them). On that loop. The chain
     * of generations is kept whole: an exchange that read the generation just before a reload may
     * still build that generation's pools on a loop afterwards, and the next generation must find
     * them there.
     */
    private LoopPools takeOver(EventLoop loop) {
        LoopPools newest = null;
        for (UpstreamPools p = previous; p != null; p = p.previous) {
            LoopPools lp = p.loops.remove(loop);
            if (lp == null) {
                continue;
            }
            if (newest == null) {
                newest = lp;
            } else {
                lp.retireUnkept(); // nothing kept from it: every pool retires
            }
        }
        return newest;
    }

    private LoopPools newLoopPools(EventLoop loop) {
        LoopPools old = takeOver(loop);
        ConnectionPool[] pools = new ConnectionPool[backends.size()];
        for (Backend b : backends) {
            Bootstrap bootstrap = bootstrap(loop);
            ConnectionPool kept = old == null ? null : old.keep(b);
            if (kept != null) {
                kept.update(bootstrap, maxConnectionsPerLoop, maxPending, pendingTimeoutNanos, idleTimeoutNanos);
                pools[b.index()] = kept;
            } else {
                pools[b.index()] = new ConnectionPool(b, loop, bootstrap, maxConnectionsPerLoop, maxPending,
                        pendingTimeoutNanos, idleTimeoutNanos);
            }
        }
        if (old != null) {
            old.retireUnkept();
        }
        LoopPools lp = new LoopPools(pools);
        long sweep = Math.max(TimeUnit.MILLISECONDS.toNanos(100), Math.min(idleTimeoutNanos / 2, TimeUnit.SECONDS.toNanos(1)));
        lp.sweeper = loop.scheduleAtFixedRate(lp::evictIdle, sweep, sweep, TimeUnit.NANOSECONDS);
        if (closed) {
            loop.execute(lp::close);
        }
        return lp;
    }

    private Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(CODEC, new HttpClientCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(16 * 1024)
                                        .setMaxHeaderSize(64 * 1024)
                                        .setMaxChunkSize(64 * 1024), false, false))
                                .addLast(RELAY, new UpstreamHandler());
                    }
                });
    }

    /**
     * What the pools of every event loop hold for {@code backend} now, for metrics and the status
     * API. Any thread; the counts are read racily from the loops, each a moment old at most.
     */
    public Usage usage(Backend backend) {
        Usage.Builder sum = new Usage.Builder();
        for (LoopPools lp : loops.values()) {
            ConnectionPool pool = lp.poolOrNull(backend);
            if (pool != null) {
                pool.addUsage(sum);
            }
        }
        return sum.build();
    }

    /**
     * One backend's connections over every event loop. Immutable.
     *
     * @param inUse         lent to an exchange now
     * @param idle          open and waiting in the pool
     * @param connecting    being opened
     * @param pending       requests waiting for a connection
     * @param connectErrors connection attempts that failed or timed out, since start
     */
    public record Usage(int inUse, int idle, int connecting, int pending, long connectErrors) {

        /** Sums pools' counts; confined to the summing thread. */
        static final class Builder {
            private int inUse;
            private int idle;
            private int connecting;
            private int pending;
            private long connectErrors;

            void add(int inUse, int idle, int connecting, int pending, long connectErrors) {
                this.inUse += inUse;
                this.idle += idle;
                this.connecting += connecting;
                this.pending += pending;
                this.connectErrors += connectErrors;
            }

            Usage build() {
                return new Usage(inUse, idle, connecting, pending, connectErrors);
            }
        }
    }

    /**
     * Closes every pool, this generation's and any older one's not yet moved over: idle
     * connections now, lent ones when their exchange ends. Waits (bounded) until each event loop
     * has done so.
     */
    public void close() {
        List<UpstreamPools> chain = new ArrayList<>();
        for (UpstreamPools p = this; p != null; p = p.previous) {
            p.closed = true;
            chain.add(p);
        }
        List<Map.Entry<EventLoop, LoopPools>> all = new ArrayList<>();
        chain.forEach(p -> all.addAll(p.loops.entrySet()));
        CountDownLatch done = new CountDownLatch(all.size());
        for (Map.Entry<EventLoop, LoopPools> e : all) {
            EventLoop loop = e.getKey();
            if (loop.isShuttingDown()) {
                done.countDown();
                continue;
            }
            loop.execute(() -> {
                e.getValue().close();
                done.countDown();
            });
        }
        try {
            done.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The pools of one event loop, indexed by backend. Confined to that loop. */
    static final class LoopPools {
        private final ConnectionPool[] pools;
        private final boolean[] kept;
        ScheduledFuture<?> sweeper;

        LoopPools(ConnectionPool[] pools) {
            this.pools = pools;
            this.kept = new boolean[pools.length];
        }

        ConnectionPool pool(Backend backend) {
            return pools[backend.index()];
        }

        /** The pool of a backend the next generation still has, which then owns it; null if none. */
        ConnectionPool keep(Backend target) {
            for (int i = 0; i < pools.length; i++) {
                if (!kept[i] && pools[i].backend().sameTarget(target)) {
                    kept[i] = true;
                    return pools[i];
                }
            }
            return null;
        }

        /** After {@link #keep}: the pools nobody kept are retired, and sweeping moves to the new owner. */
        void retireUnkept() {
            if (sweeper != null) {
                sweeper.cancel(false);
            }
            for (int i = 0; i < pools.length; i++) {
                if (!kept[i]) {
                    pools[i].retire();
                }
            }
        }

        /** The backend's pool, or null when this loop has none for it. */
        ConnectionPool poolOrNull(Backend backend) {
            ConnectionPool p = backend.index() < pools.length ? pools[backend.index()] : null;
            // By name: a reload may rebuild the Backend (a new weight) of the same backend.
            return p != null && p.backend().name().equals(backend.name()) ? p : null;
        }

        void evictIdle() {
            for (ConnectionPool p : pools) {
                p.evictIdle();
            }
        }

        void close() {
            if (sweeper != null) {
                sweeper.cancel(false);
            }
            for (ConnectionPool p : pools) {
                p.close();
            }
        }
    }
}
