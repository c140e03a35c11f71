package dev.pibl.app.simulate;

import dev.pibl.server.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Plays a {@link SimulationPlan} against a target: every client on one of a couple of event loops
 * of a Netty client, sending when its schedule says, until the duration is over or the request
 * budget is spent, whichever comes first. {@link #run} is called from the command's (or a test's)
 * thread and blocks until the run is over; the traffic itself never blocks an event loop.
 */
public final class Simulator {

    /** An answer slower than this fails the exchange and closes its connection. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    /** After the end, answers still in flight get this long before their connections are cut. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    private Simulator() {
    }

    /**
     * Runs {@code plan} against {@code target}, sending {@code host} as the Host header.
     *
     * @throws InterruptedException when the waiting thread is interrupted; the run is then cut short
     */
    public static SimulationReport run(SimulationPlan plan, InetSocketAddress target, String host)
            throws InterruptedException {
        return run(plan, target, host, ExchangeObserver.NONE);
    }

    static SimulationReport run(SimulationPlan plan, InetSocketAddress target, String host, ExchangeObserver observer)
            throws InterruptedException {
        requireNonNull(plan, "plan");
        requireNonNull(target, "target");
        requireNonNull(host, "host");
        requireNonNull(observer, "observer");
        SimulationSettings settings = plan.settings();
        // Two loops are plenty for loopback clients that mostly wait; more would compete with the proxy for cores.
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        Transport transport = Transport.current();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory("pibl-sim"), transport.ioHandlerFactory());
        try {
            List<EventLoop> loops = new ArrayList<>(threads);
            for (EventExecutor executor : group) {
                loops.add((EventLoop) executor);
            }
            List<SimClient> clients = new ArrayList<>(plan.clients().size());
            SimRun run = new SimRun(target, host, settings.duration().toNanos(), settings.maxRequests(),
                    RESPONSE_TIMEOUT.toNanos(), plan.clients().size(), observer, spent -> clients.forEach(SimClient::stop));
            for (ClientPlan client : plan.clients()) {
                clients.add(new SimClient(client, run, loops.get(client.index() % loops.size()),
                        transport.socketChannelClass()));
            }
            run.start();
            clients.forEach(SimClient::start);
            // Clients that wait on a think time would otherwise notice the end only when it is over.
            loops.get(0).schedule(() -> clients.forEach(SimClient::stop), settings.duration().toNanos(),
                    TimeUnit.NANOSECONDS);
            long waitNanos = settings.duration().plus(RESPONSE_TIMEOUT).plus(GRACE).toNanos();
            try {
                if (!run.unfinished().await(waitNanos, TimeUnit.NANOSECONDS)) {
                    clients.forEach(SimClient::abort);
                    run.unfinished().await(GRACE.toNanos(), TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                clients.forEach(SimClient::abort);
                throw e;
            }
            Duration elapsed = Duration.ofNanos(run.elapsedNanos());
            return SimulationReport.of(target.getHostString() + ":" + target.getPort(), elapsed, clients);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
