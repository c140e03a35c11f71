package dev.pibl.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.pibl.scoring.ClientActivity;
import dev.pibl.scoring.ClientTracker;
import dev.pibl.scoring.Features;
import dev.pibl.scoring.UserAgents;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What client tracking costs per request: recording a request and its response on one client,
 * finding a client among 10,000, and reading a client's feature vector.
 *
 * <p>The clock is a field: moved on 100 µs per exchange, so buckets rotate as they would for a
 * client sending 10,000 requests a second (reading System.nanoTime would add its own ~20 ns), and
 * held still for reads, which come within a bucket of the request they score.
 * Run by JMH on its own threads (one here: {@link Scope#Thread}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClientActivityBenchmark {

    private static final int CLIENTS = 10_000;
    private static final long STEP_NANOS = 100_000;
    private static final String USER_AGENT =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    private final String[] keys = new String[CLIENTS];
    private final String[] targets = new String[64];
    private final double[] features = new double[Features.COUNT];
    private ClientTracker tracker;
    private ClientActivity client;
    private long now;
    private int next;

    @Setup
    public void setUp() {
        tracker = new ClientTracker(100_000, Duration.ofMinutes(10), new UserAgents(), Ticker.systemTicker());
        for (int i = 0; i < CLIENTS; i++) {
            keys[i] = "10." + (i >> 16) + "." + (i >> 8 & 255) + "." + (i & 255);
            tracker.activity(keys[i]);
        }
        for (int i = 0; i < targets.length; i++) {
            targets[i] = "/api/v1/items/" + (1_000 + i * 37) + "?page=" + i;
        }
        client = tracker.activity("203.0.113.7");
        now = tracker.nanoTime();
        // A minute of traffic first, so that every bucket has something in it.
        for (int i = 0; i < 6_000; i++) {
            now += TimeUnit.MILLISECONDS.toNanos(10);
            client.onRequest(now, "GET", targets[i & (targets.length - 1)], USER_AGENT);
            client.onResponse(now, 200, 0, 2_048, false);
        }
    }

    /** One exchange: the request head, then its response. */
    @Benchmark
    public ClientActivity requestAndResponse() {
        now += STEP_NANOS;
        int i = next++ & (targets.length - 1);
        client.onRequest(now, i == 0 ? "POST" : "GET", targets[i], USER_AGENT);
        client.onResponse(now, i == 1 ? 404 : 200, 0, 2_048, i > 32);
        return client;
    }

    /** Finding the activity of the client a request came from. */
    @Benchmark
    public ClientActivity lookup() {
        int i = next++;
        if (next == CLIENTS) {
            next = 0;
        }
        return tracker.activity(keys[i]);
    }

    /** Reading a busy client's vector, as the scorer does, within the bucket of its last request. */
    @Benchmark
    public double[] readFeatures() {
        client.features(now, features);
        return features;
    }
}
