package dev.pibl.metrics;

import java.time.Duration;
import java.util.Arrays;

/**
 * The latency buckets of PIBL's histograms, from half a millisecond to ten seconds (an exchange
 * through a healthy proxy takes about a millisecond; a backend timeout takes seconds), and the
 * quantile estimate over them that Prometheus's {@code histogram_quantile} makes: linear within
 * the bucket the rank falls in. Immutable; any thread.
 */
final class LatencyBuckets {

    /** Upper bounds, ascending; an overflow bucket (+Inf) follows the last. */
    static final Duration[] BOUNDS = Arrays.stream(new long[] {
        500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 2_500_000, 5_000_000, 10_000_000})
            .mapToObj(Duration::ofNanos).map(d -> d.multipliedBy(1_000)).toArray(Duration[]::new);

    private static final long[] BOUNDS_NANOS = Arrays.stream(BOUNDS).mapToLong(Duration::toNanos).toArray();

    private LatencyBuckets() {
    }

    /** How many buckets a count array has: one per bound, and the overflow. */
    static int size() {
        return BOUNDS_NANOS.length + 1;
    }

    static long boundNanos(int i) {
        return BOUNDS_NANOS[i];
    }

    /**
     * The {@code q} quantile, in milliseconds, of the durations counted in {@code counts} (one
     * count per bucket, not cumulative); 0 when there are none. A rank in the overflow bucket
     * gives the largest bound, as Prometheus does.
     */
    static double quantileMillis(long[] counts, double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("q: " + q + " (expected: 0 to 1)");
        }
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < BOUNDS_NANOS.length; i++) {
            long c = counts[i];
            if (c > 0 && below + c >= rank) {
                double lower = i == 0 ? 0 : BOUNDS_NANOS[i - 1];
                double nanos = lower + (BOUNDS_NANOS[i] - lower) * ((rank - below) / c);
                return nanos / 1e6;
            }
            below += c;
        }
        return BOUNDS_NANOS[BOUNDS_NANOS.length - 1] / 1e6;
    }
}
