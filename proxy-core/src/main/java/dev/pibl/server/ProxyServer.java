package dev.pibl.server;

import static java.util.Objects.requireNonNull;

import dev.pibl.admin.AdminServer;
import dev.pibl.admin.Monitoring;
import dev.pibl.balance.Backend;
import dev.pibl.balance.BackendHealth;
import dev.pibl.cache.BackgroundRefresh;
import dev.pibl.cache.ResponseCache;
import dev.pibl.config.ConfigException;
import dev.pibl.config.PiblConfig;
import dev.pibl.logging.AccessLog;
import dev.pibl.scoring.ScoringService;
import dev.pibl.upstream.HealthChecker;
import dev.pibl.upstream.ProxyHandler;
import dev.pibl.upstream.ProxySettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running PIBL listener: event loops, the client listener, the backend pools.
 *
 * <p>{@link #start} binds and returns once the port accepts connections; {@link #stop} drains:
 * it stops accepting, lets in-flight exchanges finish (closing each connection after its current
 * response, and idle keep-alive connections at once) for up to {@code timeouts.drain}, then cuts
 * what is left and releases every thread. {@link #reload} puts a new configuration to work
 * without dropping anything: it builds a new {@link Generation} beside the running one and
 * publishes it in one step; each exchange reads the generation in force when it starts. All
 * three are called from a plain thread (main, a signal handler, the admin executor, a test),
 * never from an event loop.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final EventLoopGroup group;
    private final int eventLoops;
    private final ChannelGroup clients;
    private final Channel listener;
    private final Transport transport;
    private final ResponseCache cache;
    private final ExecutorService cacheIo;
    private final AccessLog accessLog;
    private final AtomicReference<Generation> live;
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Set as the drain starts, so readiness answers 503 while connections finish. */
    private volatile boolean draining;
    private final Object reloadLock = new Object();
    private final List<ReloadListener> reloadListeners = new CopyOnWriteArrayList<>();
    private volatile AdminServer admin;
    private volatile ConfigSource configSource;

    private ProxyServer(EventLoopGroup group, int eventLoops, ChannelGroup clients, Channel listener,
            Transport transport, ResponseCache cache, ExecutorService cacheIo, AccessLog accessLog,
            AtomicReference<Generation> live) {
        this.group = group;
        this.eventLoops = eventLoops;
        this.clients = clients;
        this.listener = listener;
        this.transport = transport;
        this.cache = cache;
        this.cacheIo = cacheIo;
        this.accessLog = accessLog;
        this.live = live;
    }

    /** Starts PIBL with access-log lines going to the {@code pibl.access} logger. */
    public static ProxyServer start(PiblConfig config) throws InterruptedException {
        return start(config, AccessLog.toLogger(config.logging()));
    }

    /**
     * Starts PIBL with the given access log.
     *
     * @throws IllegalStateException if a backend host does not resolve or the port cannot be bound
     */
    public static ProxyServer start(PiblConfig config, AccessLog accessLog) throws InterruptedException {
        return start(config, accessLog, Clock.systemUTC());
    }

    /**
     * Starts PIBL with the given access log and the clock the response cache reads (tests move it
     * to age entries without sleeping).
     *
     * @throws IllegalStateException if a backend host does not resolve or a port cannot be bound
     */
    public static ProxyServer start(PiblConfig config, AccessLog accessLog, Clock cacheClock)
            throws InterruptedException {
        requireNonNull(config, "config");
        requireNonNull(accessLog, "accessLog");
        requireNonNull(cacheClock, "cacheClock");
        Transport transport = Transport.current();
        int threads = config.server().effectiveIoThreads();
        Generation first = Generation.first(config, threads, transport.socketChannelClass());
        AtomicReference<Generation> live = new AtomicReference<>(first);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("pibl-io"),
                transport.ioHandlerFactory());
        ChannelGroup clients = new DefaultChannelGroup("pibl-clients", GlobalEventExecutor.INSTANCE);
        ExecutorService cacheIo = null;
        ResponseCache cache = null;
        BackgroundRefresh refresh = null;
        if (config.cache().enabled()) {
            // Disk I/O never runs on an event loop (DESIGN.md): reads, writes and the index rebuild run here.
            cacheIo = Executors.newFixedThreadPool(4, new DefaultThreadFactory("pibl-cache-io", true));
            try {
                cache = ResponseCache.open(config.cache(), cacheClock, cacheIo);
            } catch (RuntimeException e) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                cacheIo.shutdown();
                Generation.closeScoring(first.scoring);
                throw new IllegalStateException("cannot use cache.directory " + config.cache().directory() + ": "
                        + e.getMessage(), e);
            }
            refresh = new BackgroundRefresh(cache, () -> live.get().settings, transport.socketChannelClass());
        }
        // Metrics live behind the admin listener: without it nothing would read them, so nothing counts.
        Monitoring monitoring = config.admin().enabled() ? new Monitoring(Clock.systemUTC(), System::nanoTime) : null;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ProxyChannelInitializer(live::get, accessLog, clients, cache, refresh,
                        monitoring == null ? null : monitoring.exchanges()));
        String bind = config.server().bind();
        int port = config.server().port();
        Channel listener;
        try {
            listener = bootstrap.bind(bind, port).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            closeCache(cache, cacheIo);
            Generation.closeScoring(first.scoring);
            throw new IllegalStateException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        ProxyServer server = new ProxyServer(group, threads, clients, listener, transport, cache, cacheIo, accessLog,
                live);
        if (config.admin().enabled()) {
            try {
                server.admin = AdminServer.start(config.admin(), cache, () -> live.get().scoring, server::reload,
                        group, transport, monitoring);
            } catch (RuntimeException e) {
                listener.close().syncUninterruptibly();
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                closeCache(cache, cacheIo);
                Generation.closeScoring(first.scoring);
                throw e;
            }
        }
        first.checker = server.startChecker(first);
        if (monitoring != null) {
            monitoring.attach(server);
        }
        LOG.info("PIBL listening on {} ({} event loop{}, {}), backends {}", server.address(), threads,
                threads == 1 ? "" : "s", transport.name().toLowerCase(), first.backends);
        return server;
    }

    private HealthChecker startChecker(Generation g) {
        return g.config.health().active().enabled()
                ? HealthChecker.start(g.backends, g.config.health().active(), g.health, group,
                        transport.socketChannelClass())
                : null;
    }

    /** The address the listener is bound to (with the real port when the config said 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    /** The response cache, or null when {@code cache.enabled} is false. */
    public ResponseCache cache() {
        return cache;
    }

    /** The admin listener's address, or null when it is off. */
    public InetSocketAddress adminAddress() {
        AdminServer a = admin;
        return a == null ? null : a.address();
    }

    /** Whether {@link #stop} has begun: the listener is closing and connections are draining. */
    public boolean draining() {
        return draining;
    }

    /** Whether the client listener is bound and accepting. */
    public boolean listening() {
        return listener.isActive();
    }

    /** Client connections open now. */
    public int clientConnections() {
        return clients.size();
    }

    /** The transport in use. */
    public Transport transport() {
        return transport;
    }

    /** Where {@link #reload()} reads the configuration again; without one it refuses. */
    public void setConfigSource(ConfigSource source) {
        this.configSource = requireNonNull(source, "source");
    }

    /** Adds a listener told of every reload. */
    public void addReloadListener(ReloadListener listener) {
        reloadListeners.add(requireNonNull(listener, "listener"));
    }

    /**
     * Reads the configuration again from the {@link #setConfigSource source} and applies it
     * (SIGHUP, {@code POST /admin/reload}). Call from a plain thread, never an event loop.
     */
    public ReloadResult reload() {
        return reload(null);
    }

    /**
     * Applies {@code config} as a reload would (tests, and {@link #reload()} once it has read the
     * source): validated and put together beside the running configuration, then published at once;
     * refused as a whole, with the running configuration kept, when anything in it cannot be put to
     * work. Settings only a restart can change keep their running values and are reported.
     * Reloads never overlap: a second caller waits for the first.
     *
     * @param config the configuration to apply, or null to read it from the source
     */
    public ReloadResult reload(PiblConfig config) {
        synchronized (reloadLock) {
            reloadListeners.forEach(ReloadListener::reloading);
            ReloadResult result;
            try {
                result = apply(config != null ? config : readSource());
            } catch (ConfigException e) {
                result = ReloadResult.refused(generation(), e.problems());
            } catch (RuntimeException e) {
                result = ReloadResult.refused(generation(), List.of(e.getMessage() == null ? e.toString() : e.getMessage()));
            }
            report(result);
            for (ReloadListener l : reloadListeners) {
                l.reloaded(result);
            }
            return result;
        }
    }

    private PiblConfig readSource() throws ConfigException {
        ConfigSource source = configSource;
        if (source == null) {
            throw new IllegalStateException("no configuration file to read again: this PIBL was started without one");
        }
        return source.load();
    }

    private ReloadResult apply(PiblConfig loaded) {
        if (stopped.get()) {
            return ReloadResult.refused(generation(), List.of("PIBL is shutting down"));
        }
        Generation old = live.get();
        ConfigChanges changes = ConfigChanges.between(old.config, loaded);
        List<String> changed = new ArrayList<>(changes.applied());
        Generation next = old.next(changes.effective(), eventLoops, transport.socketChannelClass(), changed);
        if (changed.isEmpty() && next.scoring == old.scoring) {
            // Nothing a reload applies changed: keep the running generation, pools and all.
            return new ReloadResult(true, old.number, List.of(), changes.restartRequired(), List.of());
        }
        live.set(next);
        // Published: whatever follows only tidies up, and a failure in it must not report the
        // reload as refused.
        try {
            next.pools.handOver();
            if (old.checker != null) {
                old.checker.close();
            }
            next.checker = startChecker(next);
            accessLog.setDetail(next.config.logging().detail());
        } catch (RuntimeException e) {
            LOG.warn("reload applied, but tidying up after it failed", e);
        } finally {
            if (old.scoring != null && old.scoring != next.scoring) {
                old.scoring.service().close();
            }
        }
        return new ReloadResult(true, next.number, changed, changes.restartRequired(), List.of());
    }

    private static void report(ReloadResult r) {
        if (!r.applied()) {
            LOG.warn("reload refused, the running configuration (generation {}) stays: {}", r.generation(),
                    String.join("; ", r.problems()));
            return;
        }
        if (r.changed().isEmpty()) {
            LOG.info("reload: nothing to change (generation {} stays)", r.generation());
        } else {
            LOG.info("reload applied: generation {}: {}", r.generation(), String.join("; ", r.changed()));
        }
        if (!r.restartRequired().isEmpty()) {
            LOG.warn("reload: these changes need a restart and keep their running values until then: {}",
                    String.join(", ", r.restartRequired()));
        }
    }

    /** The settings the proxy stage uses now (they change on reload). */
    public ProxySettings settings() {
        return live.get().settings;
    }

    /** The configuration in force now: the file's as of the last applied reload, less restart-only changes. */
    public PiblConfig config() {
        return live.get().config;
    }

    /** The configuration generation in force: 1 at start, one more per reload that changed something. */
    public int generation() {
        return live.get().number;
    }

    /** Score-based balancing's service, or null unless {@code balancing.policy} is score. */
    public ScoringService scoring() {
        ScoringSetup.Scoring s = live.get().scoring;
        return s == null ? null : s.service();
    }

    /** Drains and stops; returns when every thread is released. Idempotent. */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        draining = true;
        Generation g;
        synchronized (reloadLock) { // a reload under way finishes first; later ones are refused
            g = live.get();
        }
        long drainNanos = g.config.timeouts().drain().toNanos();
        LOG.info("PIBL draining: {} client connection(s), up to {} ms", clients.size(),
                TimeUnit.NANOSECONDS.toMillis(drainNanos));
        listener.close().syncUninterruptibly();
        if (g.checker != null) {
            g.checker.close();
        }
        for (Channel ch : clients) {
            ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(ProxyHandler.DRAIN));
        }
        long deadline = System.nanoTime() + drainNanos;
        while (!clients.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!clients.isEmpty()) {
            LOG.warn("PIBL drain timeout: cutting {} connection(s)", clients.size());
            clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        AdminServer a = admin;
        if (a != null) {
            a.close();
        }
        g.pools.close();
        Generation.closeScoring(g.scoring);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        closeCache(cache, cacheIo);
        LOG.info("PIBL stopped");
    }

    @Override
    public void close() {
        stop();
    }

    /** Finishes the cache's pending disk writes, then stops its threads. */
    private static void closeCache(ResponseCache cache, ExecutorService io) {
        if (cache != null) {
            cache.close();
        }
        if (io != null) {
            io.shutdown();
            try {
                io.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One line for systemd's status: client connections, backends available, and the configuration
     * generation. Read without claiming anything (an ejected backend's probe stays free).
     */
    public String statusLine() {
        Generation g = live.get();
        int available = 0;
        for (Backend b : g.backends) {
            BackendHealth h = g.health.of(b);
            if (h.activeHealthy() && !h.ejected()) {
                available++;
            }
        }
        int connections = clients.size();
        return connections + " client connection" + (connections == 1 ? "" : "s") + ", " + available + "/"
                + g.backends.size() + " backends available, config generation " + g.number;
    }
}
