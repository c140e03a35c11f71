package dev.pibl.server;

import static java.util.Objects.requireNonNull;

import dev.pibl.balance.Backend;
import dev.pibl.balance.HealthRegistry;
import dev.pibl.balance.LoadBalancer;
import dev.pibl.balance.RetryBudget;
import dev.pibl.balance.TierPools;
import dev.pibl.config.BackendConfig;
import dev.pibl.config.PiblConfig;
import dev.pibl.config.TrustedProxies;
import dev.pibl.admin.AdminServer;
import dev.pibl.admin.Monitoring;
import dev.pibl.cache.BackgroundRefresh;
import dev.pibl.cache.ResponseCache;
import dev.pibl.logging.AccessLog;
import dev.pibl.scoring.ScoringService;
import dev.pibl.upstream.HealthChecker;
import dev.pibl.upstream.ProxyHandler;
import dev.pibl.upstream.ProxySettings;
import dev.pibl.upstream.UpstreamPools;
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
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running PIBL listener: event loops, the client listener, the backend pools.
 *
 * <p>{@link #start} binds and returns once the port accepts connections; {@link #stop} drains:
 * it stops accepting, lets in-flight exchanges finish (closing each connection after its current
 * response, and idle keep-alive connections at once) for up to {@code timeouts.drain}, then cuts
 * what is left and releases every thread. Both are called from a plain thread (main, a shutdown
 * hook, a test), never from an event loop.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private volatile PiblConfig config;
    private final EventLoopGroup group;
    private final ChannelGroup clients;
    private final UpstreamPools pools;
    private final Channel listener;
    private final Transport transport;
    private final HealthChecker healthChecker;
    private final ResponseCache cache;
    private final ExecutorService cacheIo;
    private final AdminServer admin;
    private final ScoringService scoring;
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Set as the drain starts, so readiness answers 503 while connections finish. */
    private volatile boolean draining;
    private final Object reloadLock = new Object();
    private final List<ReloadListener> reloadListeners = new CopyOnWriteArrayList<>();
    private volatile ConfigSource configSource;
    private volatile ProxySettings settings;

    private ProxyServer(PiblConfig config, EventLoopGroup group, ChannelGroup clients, UpstreamPools pools,
            Channel listener, Transport transport, HealthChecker healthChecker, ResponseCache cache,
            ExecutorService cacheIo, AdminServer admin, ScoringService scoring, ProxySettings settings) {
        this.settings = settings;
        this.scoring = scoring;
        this.healthChecker = healthChecker;
        this.cache = cache;
        this.cacheIo = cacheIo;
        this.admin = admin;
        this.config = config;
        this.group = group;
        this.clients = clients;
        this.pools = pools;
        this.listener = listener;
        this.transport = transport;
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
        List<Backend> backends = resolve(config.backends());
        Transport transport = Transport.current();
        int threads = config.server().effectiveIoThreads();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("pibl-io"),
                transport.ioHandlerFactory());
        ChannelGroup clients = new DefaultChannelGroup("pibl-clients", GlobalEventExecutor.INSTANCE);
        UpstreamPools pools = new UpstreamPools(backends, config.upstream(), config.timeouts(), threads,
                transport.socketChannelClass());
        HealthRegistry health = new HealthRegistry(backends, config.health(), System::nanoTime);
        ScoringSetup.Scoring scoring;
        try {
            scoring = ScoringSetup.create(config, transport.socketChannelClass());
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        TierPools tierPools = scoring == null ? null
                : new TierPools(scoring.service().tiers(), backends, health);
        ProxySettings settings = new ProxySettings(LoadBalancer.roundRobin(backends, health), pools,
                config.server().limits().maxBodySize(), config.timeouts().response().toNanos(),
                config.timeouts().clientBody().toNanos(), config.timeouts().request().toNanos(),
                config.upstream().maxTries(),
                config.upstream().preserveHost(), health,
                new RetryBudget(config.upstream().retryBudgetPercent(), config.upstream().minRetriesPerSecond(),
                        System::nanoTime),
                TrustedProxies.parse(config.server().trustedProxies()),
                tierPools);
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
                closeScoring(scoring);
                throw new IllegalStateException("cannot use cache.directory " + config.cache().directory() + ": "
                        + e.getMessage(), e);
            }
            refresh = new BackgroundRefresh(cache, settings.balancer(), tierPools, health, transport.socketChannelClass(),
                    config.timeouts().response(), config.upstream().preserveHost());
        }
        // Metrics live behind the admin listener: without it nothing would read them, so nothing counts.
        Monitoring monitoring = config.admin().enabled() ? new Monitoring(Clock.systemUTC(), System::nanoTime) : null;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ProxyChannelInitializer(config, accessLog, settings, clients, cache, refresh,
                        scoring, monitoring == null ? null : monitoring.exchanges()));
        String bind = config.server().bind();
        int port = config.server().port();
        Channel listener;
        try {
            listener = bootstrap.bind(bind, port).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            closeCache(cache, cacheIo);
            closeScoring(scoring);
            throw new IllegalStateException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        AdminServer admin = null;
        if (config.admin().enabled()) {
            try {
                admin = AdminServer.start(config.admin(), cache, scoring, group, transport, monitoring);
            } catch (RuntimeException e) {
                listener.close().syncUninterruptibly();
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                closeCache(cache, cacheIo);
                closeScoring(scoring);
                throw e;
            }
        }
        HealthChecker checker = config.health().active().enabled()
                ? HealthChecker.start(backends, config.health().active(), health, group, transport.socketChannelClass())
                : null;
        ProxyServer server = new ProxyServer(config, group, clients, pools, listener, transport, checker, cache,
                cacheIo, admin, scoring == null ? null : scoring.service(), settings);
        if (monitoring != null) {
            monitoring.attach(server);
        }
        LOG.info("PIBL listening on {} ({} event loop{}, {}), backends {}", server.address(), threads,
                threads == 1 ? "" : "s", transport.name().toLowerCase(), backends);
        return server;
    }

    private static List<Backend> resolve(List<BackendConfig> configured) {
        List<Backend> backends = new ArrayList<>(configured.size());
        for (int i = 0; i < configured.size(); i++) {
            BackendConfig b = configured.get(i);
            // Resolved once here, on the starting thread, so no DNS lookup ever runs on an event loop.
            InetSocketAddress address = new InetSocketAddress(b.host(), b.port());
            if (address.isUnresolved()) {
                throw new IllegalStateException("backends[" + i + "].url: " + b.url()
                        + " (expected: a host that resolves; " + b.host() + " does not)");
            }
            String hostHeader = (b.host().indexOf(':') >= 0 ? "[" + b.host() + "]" : b.host())
                    + (b.port() == 80 ? "" : ":" + b.port());
            backends.add(new Backend(i, b.name(), address, hostHeader, b.weight()));
        }
        return backends;
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
        return admin == null ? null : admin.address();
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

    /** Drains and stops; returns when every thread is released. Idempotent. */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        draining = true;
        long drainNanos = config.timeouts().drain().toNanos();
        LOG.info("PIBL draining: {} client connection(s), up to {} ms", clients.size(),
                TimeUnit.NANOSECONDS.toMillis(drainNanos));
        listener.close().syncUninterruptibly();
        if (healthChecker != null) {
            healthChecker.close();
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
        if (admin != null) {
            admin.close();
        }
        pools.close();
        if (scoring != null) {
            scoring.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        closeCache(cache, cacheIo);
        LOG.info("PIBL stopped");
    }

    @Override
    public void close() {
        stop();
    }

    private static void closeScoring(ScoringSetup.Scoring scoring) {
        if (scoring != null) {
            scoring.service().close();
        }
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
     * Reads the configuration again from the {@link #setConfigSource source} and applies it (SIGHUP,
     * {@code POST /admin/reload}). Call from a plain thread, never an event loop.
     */
    public ReloadResult reload() {
        synchronized (reloadLock) {
            for (ReloadListener l : reloadListeners) {
                l.reloading();
            }
            ReloadResult result = ReloadResult.refused(1, List.of("reload is not implemented yet"));
            for (ReloadListener l : reloadListeners) {
                l.reloaded(result);
            }
            return result;
        }
    }

    /** The settings the proxy stage uses now (they change on reload). */
    public ProxySettings settings() {
        return settings;
    }

    /** The configuration in force now (it changes on reload). */
    public PiblConfig config() {
        return config;
    }

    /** Score-based balancing's service, or null unless {@code balancing.policy} is score. */
    public ScoringService scoring() {
        return scoring;
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
}
