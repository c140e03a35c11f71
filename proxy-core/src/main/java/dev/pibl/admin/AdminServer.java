package dev.pibl.admin;

import static java.util.Objects.requireNonNull;

import dev.pibl.cache.ResponseCache;
import dev.pibl.config.AdminConfig;
import dev.pibl.server.ReloadResult;
import dev.pibl.server.ScoringSetup;
import dev.pibl.server.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener ({@code admin:} in the YAML): a small HTTP server on its own port, loopback by
 * default, optionally behind a bearer token, for operators' requests such as purging the cache,
 * and for Prometheus, probes and the dashboard ({@code /metrics}, {@code /admin/ready},
 * {@code /admin/status}).
 * It shares the proxy's event loops: its handlers only touch thread-safe state.
 *
 * <p>Started and closed from a plain thread.
 */
public final class AdminServer implements AutoCloseable {

    /** Admin requests are small: a bounded aggregate is enough. */
    private static final int MAX_REQUEST = 64 * 1024;

    private final Channel listener;
    private final ScheduledExecutorService slow;
    private final Monitoring monitoring;

    private AdminServer(Channel listener, ScheduledExecutorService slow, Monitoring monitoring) {
        this.listener = listener;
        this.slow = slow;
        this.monitoring = monitoring;
    }

    /**
     * Binds the admin listener.
     *
     * @param cache   the response cache, or null when it is disabled
     * @param scoring score-based balancing in force (a reload changes it), null when the policy is not score
     * @param reload  reloads the configuration, for {@code POST /admin/reload}; called off the event loops
     * @param monitoring metrics, readiness and status; closed with this listener
     * @throws IllegalStateException if the port cannot be bound
     */
    public static AdminServer start(AdminConfig config, ResponseCache cache, Supplier<ScoringSetup.Scoring> scoring,
            Supplier<ReloadResult> reload, EventLoopGroup group, Transport transport, Monitoring monitoring) {
        requireNonNull(config, "config");
        requireNonNull(monitoring, "monitoring");
        DashboardAssets dashboard = DashboardAssets.load();
        // Answers that walk every client or every meter, and reloads, run here, one at a time, never
        // on an event loop; so do the status windows' samples, which therefore need no lock.
        ScheduledExecutorService slow = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("pibl-admin", true));
        slow.scheduleAtFixedRate(monitoring::sample, 1, 1, TimeUnit.SECONDS);
        AdminHandler.Routes routes = new AdminHandler.Routes(config.token(), cache, scoring, reload, slow, monitoring,
                dashboard);
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(transport.serverChannelClass())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // The flow-control handler hands over one request per read while auto-read
                        // is off, so a pipelined request waits for a slow answer before it.
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST),
                                new FlowControlHandler(), new AdminHandler(routes));
                    }
                });
        try {
            return new AdminServer(bootstrap.bind(config.bind(), config.port()).sync().channel(), slow, monitoring);
        } catch (Exception e) {
            slow.shutdownNow();
            throw new IllegalStateException("cannot listen on " + config.bind() + ":" + config.port()
                    + " (admin.port): " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        slow.shutdownNow();
        monitoring.close();
    }
}
