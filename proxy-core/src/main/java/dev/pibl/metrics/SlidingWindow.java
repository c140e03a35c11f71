package dev.pibl.metrics;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.LongSupplier;

/**
 * Rates and latency quantiles over the recent past of one series of exchanges (all of them, or
 * one backend's), worked out from samples of its cumulative counts: the newest sample minus the
 * last one taken at least {@code span} earlier. Sampling costs the request path nothing; the
 * window slides by the sampling interval.
 *
 * <p>Samples closer together than {@code resolution} replace each other, so memory stays at about
 * {@code span / resolution + 3} samples however often it is sampled. Time is the injected clock.
 * Confined to one thread (the admin executor).
 */
public final class SlidingWindow {

    /**
     * Cumulative counts of a series at one instant. Treat as immutable: the array is not copied.
     *
     * @param buckets exchanges per latency bucket of {@link LatencyBuckets}, not cumulative
     */
    public record Counts(long requests, long errors, long[] buckets) {

        public Counts {
            requireNonNull(buckets, "buckets");
            if (buckets.length != LatencyBuckets.size()) {
                throw new IllegalArgumentException("buckets: " + buckets.length + " counts (expected: "
                        + LatencyBuckets.size() + ")");
            }
        }

        static Counts zero() {
            return new Counts(0, 0, new long[LatencyBuckets.size()]);
        }

        Counts minus(Counts earlier) {
            long[] b = new long[buckets.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = Math.max(0, buckets[i] - earlier.buckets[i]);
            }
            return new Counts(Math.max(0, requests - earlier.requests), Math.max(0, errors - earlier.errors), b);
        }
    }

    /** What happened in the window: {@code seconds} long, 0 until two samples exist. Immutable. */
    public record View(double seconds, Counts counts) {

        public double requestsPerSecond() {
            return seconds <= 0 ? 0 : counts.requests() / seconds;
        }

        public double errorsPerSecond() {
            return seconds <= 0 ? 0 : counts.errors() / seconds;
        }

        /** The {@code q} quantile of the exchanges' durations, in milliseconds; 0 when none. */
        public double quantileMillis(double q) {
            return LatencyBuckets.quantileMillis(counts.buckets(), q);
        }
    }

    private record Sample(long nanos, Counts counts) {
    }

    private final long spanNanos;
    private final long resolutionNanos;
    private final LongSupplier nanoTime;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    public SlidingWindow(Duration span, Duration resolution, LongSupplier nanoTime) {
        this.spanNanos = requireNonNull(span, "span").toNanos();
        this.resolutionNanos = requireNonNull(resolution, "resolution").toNanos();
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        if (spanNanos <= 0 || resolutionNanos <= 0 || resolutionNanos > spanNanos) {
            throw new IllegalArgumentException("span: " + span + ", resolution: " + resolution
                    + " (expected: 0 < resolution <= span)");
        }
    }

    /** Takes a sample now: the series' cumulative counts since start. */
    public void record(Counts cumulative) {
        requireNonNull(cumulative, "cumulative");
        long now = nanoTime.getAsLong();
        if (samples.size() >= 2 && now - secondNewest().nanos < resolutionNanos) {
            samples.pollLast(); // too close to the one before: the newer counts replace it
        }
        samples.addLast(new Sample(now, cumulative));
        // Keep the last sample at or before the window's start, so the window spans it all.
        while (samples.size() >= 2 && now - second().nanos >= spanNanos) {
            samples.pollFirst();
        }
    }

    /** From the oldest sample kept to the newest. */
    public View view() {
        if (samples.size() < 2) {
            return new View(0, Counts.zero());
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        return new View((last.nanos - first.nanos) / 1e9, last.counts.minus(first.counts));
    }

    /** How many samples are kept (tests: memory stays bounded). */
    int samples() {
        return samples.size();
    }

    private Sample second() {
        Iterator<Sample> it = samples.iterator();
        it.next();
        return it.next();
    }

    private Sample secondNewest() {
        Iterator<Sample> it = samples.descendingIterator();
        it.next();
        return it.next();
    }
}
