package dev.pibl.metrics;

import static java.util.Objects.requireNonNull;

import dev.pibl.logging.CompletedExchange;
import dev.pibl.logging.ExchangeObserver;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every exchange once, as its access-log line is written: requests by backend and status
 * class, whole-exchange and upstream-head latency histograms by backend, body bytes both ways, and
 * the last few errors. Meters are registered once per backend name (on its first exchange, or
 * when {@link #backend} is first asked), so an exchange costs a map look-up, a few counter adds
 * and one or two histogram records, with no allocation unless it failed. A backend removed by a
 * reload keeps its meters (frozen) until restart.
 *
 * <p>Thread-safe: every event loop calls {@link #completed}; the admin executor reads.
 */
public final class TrafficMeters implements ExchangeObserver {

    /** The backend label of exchanges no backend answered: cache hits and PIBL's own answers. */
    public static final String NONE = "none";

    private static final int RECENT_ERRORS = 20;
    private static final String CLIENT_CLOSED = "client-closed";

    private final MeterRegistry registry;
    private final Clock clock;
    private final ConcurrentHashMap<String, BackendMeters> backends = new ConcurrentHashMap<>();
    private final BackendMeters none;
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final RecentErrors recent = new RecentErrors(RECENT_ERRORS);

    /** @param clock stamps the recent errors */
    public TrafficMeters(MeterRegistry registry, Clock clock) {
        this.registry = requireNonNull(registry, "registry");
        this.clock = requireNonNull(clock, "clock");
        FunctionCounter.builder("pibl.client.received", bytesIn, LongAdder::sum).baseUnit("bytes")
                .description("Request body bytes received from clients").register(registry);
        FunctionCounter.builder("pibl.client.sent", bytesOut, LongAdder::sum).baseUnit("bytes")
                .description("Response body bytes sent to clients").register(registry);
        none = backend(NONE);
    }

    @Override
    public void completed(CompletedExchange x) {
        String name = x.backend();
        BackendMeters m = name == null ? none : backends.get(name);
        if (m == null) {
            m = backend(name);
        }
        int status = x.status();
        m.byClass[Math.max(1, Math.min(5, status / 100))].increment();
        m.duration.record(x.durationNanos(), TimeUnit.NANOSECONDS);
        long head = x.upstreamHeadNanos();
        if (head >= 0 && m.upstreamHead != null) {
            m.upstreamHead.record(head, TimeUnit.NANOSECONDS);
        }
        bytesIn.add(x.bytesIn());
        bytesOut.add(x.bytesOut());
        String aborted = x.aborted();
        if (status >= 500 || aborted != null) {
            m.errors.increment();
            if (aborted != null) {
                (CLIENT_CLOSED.equals(aborted) ? m.clientClosed : m.cut).increment();
            }
            recent.add(clock.millis(), x.requestId(), status, x.method(), x.uri(), name, reason(x, status, aborted));
        }
    }

    private static String reason(CompletedExchange x, int status, String aborted) {
        if (x.failure() != null) {
            return x.failure();
        }
        if (aborted != null) {
            return CLIENT_CLOSED.equals(aborted) ? "the client closed the connection before the response"
                    : "the connection closed before the response was complete";
        }
        return x.backend() != null ? "backend " + x.backend() + " answered " + status : "PIBL answered " + status;
    }

    /** The meters of one backend ({@link #NONE} for none), registered on first use. */
    BackendMeters backend(String name) {
        return backends.computeIfAbsent(requireNonNull(name, "name"), n -> new BackendMeters(registry, n));
    }

    /** Every backend name seen or asked for so far, {@link #NONE} included. */
    public Set<String> names() {
        return Set.copyOf(backends.keySet());
    }

    /** Exchanges that ended with {@code backend} (or {@link #NONE}) since start. */
    public long requests(String backend) {
        BackendMeters m = backends.get(backend);
        return m == null ? 0 : m.requests();
    }

    /** Of those, the ones that ended in a 5xx or were cut short. */
    public long errors(String backend) {
        BackendMeters m = backends.get(backend);
        return m == null ? 0 : m.errors.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** The last exchanges that ended in a 5xx or were cut short, newest first. */
    public List<RecentErrors.Entry> recentErrors() {
        return recent.newestFirst();
    }

    /** {@code backend}'s cumulative counts now, for a {@link SlidingWindow}. */
    public SlidingWindow.Counts counts(String backend) {
        BackendMeters m = backend(backend);
        HistogramSnapshot s = m.duration.takeSnapshot();
        long[] buckets = new long[LatencyBuckets.size()];
        long below = 0;
        int i = 0;
        for (CountAtBucket c : s.histogramCounts()) {
            // Prometheus histograms are cumulative: each bound's count includes those below it.
            long bound = (long) c.bucket(TimeUnit.NANOSECONDS);
            while (i < buckets.length - 1 && LatencyBuckets.boundNanos(i) < bound) {
                i++;
            }
            if (i < buckets.length - 1 && LatencyBuckets.boundNanos(i) == bound) {
                long cumulative = (long) c.count();
                buckets[i] = Math.max(0, cumulative - below);
                below = Math.max(below, cumulative);
            }
        }
        buckets[buckets.length - 1] = Math.max(0, s.count() - below);
        return new SlidingWindow.Counts(s.count(), m.errors.sum(), buckets);
    }

    /** One backend's meters, resolved once so that counting an exchange looks nothing up. */
    static final class BackendMeters {
        /** Indexed by status / 100; 1xx never ends an exchange, so index 1 is not exported. */
        final LongAdder[] byClass = new LongAdder[6];
        final LongAdder errors = new LongAdder();
        final LongAdder clientClosed = new LongAdder();
        final LongAdder cut = new LongAdder();
        final Timer duration;
        /** Null for {@link #NONE}: no backend, no upstream time. */
        final Timer upstreamHead;

        BackendMeters(MeterRegistry registry, String name) {
            for (int c = 1; c < byClass.length; c++) {
                byClass[c] = new LongAdder();
                if (c >= 2) {
                    FunctionCounter.builder("pibl.requests", byClass[c], LongAdder::sum)
                            .description("Exchanges ended, by backend (none: cache hits and PIBL's own answers) and status class")
                            .tag("backend", name).tag("status", c + "xx").register(registry);
                }
            }
            FunctionCounter.builder("pibl.requests.aborted", clientClosed, LongAdder::sum)
                    .description("Exchanges cut short: the client left first (logged 499), or the connection closed mid-response")
                    .tag("backend", name).tag("reason", CLIENT_CLOSED).register(registry);
            FunctionCounter.builder("pibl.requests.aborted", cut, LongAdder::sum)
                    .description("Exchanges cut short: the client left first (logged 499), or the connection closed mid-response")
                    .tag("backend", name).tag("reason", "connection-closed").register(registry);
            duration = Timer.builder("pibl.request.duration")
                    .description("Whole exchanges as clients see them: from the request's arrival to the response's last byte")
                    .tag("backend", name).serviceLevelObjectives(LatencyBuckets.BOUNDS).register(registry);
            upstreamHead = NONE.equals(name) ? null : Timer.builder("pibl.upstream.response.head")
                    .description("From picking the backend to its response head (retries included)")
                    .tag("backend", name).serviceLevelObjectives(LatencyBuckets.BOUNDS).register(registry);
        }

        long requests() {
            long n = 0;
            for (int c = 1; c < byClass.length; c++) {
                n += byClass[c].sum();
            }
            return n;
        }
    }
}
