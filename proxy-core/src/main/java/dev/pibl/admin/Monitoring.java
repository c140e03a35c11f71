package dev.pibl.admin;

import static java.util.Objects.requireNonNull;

import dev.pibl.logging.ExchangeObserver;
import dev.pibl.metrics.TrafficMeters;
import dev.pibl.server.ProxyServer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PIBL's metrics and status: the Prometheus registry behind {@code GET /metrics}, the exchange
 * counters the access-log stage feeds, readiness and the {@code /admin/status} report.
 *
 * <p>Created before the client listener (its {@link #exchanges() observer} goes into every
 * connection's access-log stage), {@link #attach attached} to the server once it runs, closed with
 * the admin listener. Until attached it reports "not listening yet". {@link #scrape},
 * {@link #status} and {@link #sample} run on the admin executor (one thread, so the status
 * windows need no lock); {@link #readiness} on any thread.
 */
public final class Monitoring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);

    /** The Prometheus text exposition format, version 0.0.4: what every Prometheus accepts. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TrafficMeters traffic;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private volatile ProxyServer server;
    private volatile ServerMeters serverMeters;
    private volatile StatusReport status;
    private JvmGcMetrics gc;

    /**
     * @param clock    stamps recent errors
     * @param nanoTime measures uptime and the status windows
     */
    public Monitoring(Clock clock, LongSupplier nanoTime) {
        requireNonNull(clock, "clock");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        this.startNanos = nanoTime.getAsLong();
        this.traffic = new TrafficMeters(registry, clock);
    }

    /** What the access-log stage tells of every exchange. */
    public ExchangeObserver exchanges() {
        return traffic;
    }

    /**
     * The server is running: from now on its state is reported. Binds the JVM's meters (here
     * rather than at construction, so a start-up that fails leaves no listener behind). Called
     * once, from the thread that started the server.
     */
    public synchronized void attach(ProxyServer server) {
        requireNonNull(server, "server");
        if (this.server != null) {
            throw new IllegalStateException("already attached");
        }
        for (MeterBinder b : new MeterBinder[] {new JvmMemoryMetrics(), new JvmThreadMetrics(),
                new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics()}) {
            b.bindTo(registry);
        }
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
            new NettyAllocatorMetrics(allocator).bindTo(registry);
        }
        this.status = new StatusReport(server, traffic, this, nanoTime);
        this.serverMeters = new ServerMeters(registry, server, this);
        this.server = server;
    }

    /** Whether PIBL should get traffic now; any thread. */
    Readiness readiness() {
        return Readiness.of(server);
    }

    /** The configuration generation in force; 1 until attached. */
    int generation() {
        ProxyServer s = server;
        return s == null ? 1 : s.generation();
    }

    double uptimeSeconds() {
        return (nanoTime.getAsLong() - startNanos) / 1e9;
    }

    /** Every meter in Prometheus's text format, after following any reload. */
    byte[] scrape() {
        ServerMeters meters = serverMeters;
        if (meters != null) {
            meters.sync();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            registry.scrape(out, CONTENT_TYPE);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** Takes a sample for the status windows; run every second and before each status report. */
    void sample() {
        StatusReport s = status;
        if (s == null) {
            return;
        }
        try {
            s.sample();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: log it and keep sampling.
            LOG.warn("cannot sample the status windows", e);
        }
    }

    /** The {@code /admin/status} document, or null until attached. */
    Map<String, Object> status() {
        StatusReport s = status;
        return s == null ? null : s.build();
    }

    /** Stops the JVM meters' listeners. */
    @Override
    public synchronized void close() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }
}
