package dev.pibl.bench;

import dev.pibl.logging.CompletedExchange;
import dev.pibl.metrics.TrafficMeters;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metrics add to each request: one exchange counted by {@link TrafficMeters} (its backend's
 * status-class counter, the whole-exchange and upstream-head histograms, the byte counters), as
 * the access-log stage does when a response ends. Exchanges rotate over three backends with
 * latencies spread over several buckets. {@code oneLoop} is one event loop; {@code twoLoops} two
 * event loops counting at once into the same meters.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrafficMetersBenchmark {

    /** The meters, shared by every benchmark thread as by every event loop. */
    @State(Scope.Benchmark)
    public static class Meters {
        TrafficMeters meters;

        @Setup
        public void setUp() {
            meters = new TrafficMeters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC());
        }
    }

    /** One thread's exchanges, made once so that the measured loop allocates nothing. */
    @State(Scope.Thread)
    public static class Exchanges {
        final Exchange[] exchanges = new Exchange[64];
        int next;

        @Setup
        public void setUp() {
            String[] backends = {"node-1", "node-2", "node-3"};
            for (int i = 0; i < exchanges.length; i++) {
                long micros = 300L << (i % 8); // 0.3 ms to 38 ms
                exchanges[i] = new Exchange(backends[i % 3], TimeUnit.MICROSECONDS.toNanos(micros),
                        TimeUnit.MICROSECONDS.toNanos(micros) / 2);
            }
        }
    }

    record Exchange(String backend, long durationNanos, long upstreamHeadNanos) implements CompletedExchange {
        @Override
        public String requestId() {
            return "5f0c1a0000000001";
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String uri() {
            return "/1k.bin";
        }

        @Override
        public int status() {
            return 200;
        }

        @Override
        public long bytesIn() {
            return 0;
        }

        @Override
        public long bytesOut() {
            return 1024;
        }

        @Override
        public String cacheVerdict() {
            return null;
        }

        @Override
        public String aborted() {
            return null;
        }

        @Override
        public String failure() {
            return null;
        }
    }

    @Benchmark
    @Threads(1)
    public void oneLoop(Meters m, Exchanges x) {
        m.meters.completed(x.exchanges[x.next++ & 63]);
    }

    @Benchmark
    @Threads(2)
    public void twoLoops(Meters m, Exchanges x) {
        m.meters.completed(x.exchanges[x.next++ & 63]);
    }
}
