package dev.pibl.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Rates and percentiles over the last 10 s, from cumulative samples on a clock the test moves. */
class SlidingWindowTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SlidingWindow window = new SlidingWindow(Duration.ofSeconds(10), Duration.ofSeconds(1), now::get);
    private long requests;
    private long errors;
    private final long[] buckets = new long[LatencyBuckets.size()];

    /** {@code n} more exchanges of {@code millis} each, {@code failed} of them errors. */
    private void traffic(int n, int failed, double millis) {
        requests += n;
        errors += failed;
        buckets[bucketOf(millis)] += n;
    }

    private static int bucketOf(double millis) {
        int i = 0;
        while (i < LatencyBuckets.size() - 1 && LatencyBuckets.boundNanos(i) < millis * 1e6) {
            i++;
        }
        return i;
    }

    private void sampleAfter(Duration d) {
        now.addAndGet(d.toNanos());
        window.record(new SlidingWindow.Counts(requests, errors, buckets.clone()));
    }

    @Test
    void ratesCoverOnlyTheLastTenSeconds() {
        sampleAfter(Duration.ZERO);
        for (int s = 0; s < 10; s++) {
            traffic(100, 0, 1); // 100/s for ten seconds
            sampleAfter(Duration.ofSeconds(1));
        }
        assertThat(window.view().requestsPerSecond()).isCloseTo(100, within(0.001));

        for (int s = 0; s < 10; s++) {
            traffic(20, 2, 1); // then 20/s, 10 % failing
            sampleAfter(Duration.ofSeconds(1));
        }
        SlidingWindow.View v = window.view();
        assertThat(v.seconds()).isCloseTo(10, within(0.001));
        assertThat(v.requestsPerSecond()).as("the busy period has left the window").isCloseTo(20, within(0.001));
        assertThat(v.errorsPerSecond()).isCloseTo(2, within(0.001));
    }

    @Test
    void anIdleWindowShowsNothingAndOneSampleIsNotARate() {
        sampleAfter(Duration.ZERO);
        assertThat(window.view().requestsPerSecond()).isZero();
        assertThat(window.view().quantileMillis(0.99)).isZero();
        traffic(50, 0, 3);
        sampleAfter(Duration.ofSeconds(5));
        sampleAfter(Duration.ofSeconds(20));
        assertThat(window.view().requestsPerSecond()).as("nothing happened in the last 10 s").isZero();
    }

    @Test
    void frequentSamplesReplaceEachOtherSoMemoryStaysBounded() {
        sampleAfter(Duration.ZERO);
        for (int i = 0; i < 10_000; i++) {
            traffic(1, 0, 1);
            sampleAfter(Duration.ofMillis(10)); // a dashboard polling at 100 Hz
        }
        assertThat(window.samples()).as("span / resolution, the one before the span and the newest")
                .isLessThanOrEqualTo(13);
        assertThat(window.view().seconds()).isBetween(10.0, 11.0);
        assertThat(window.view().requestsPerSecond()).isCloseTo(100, within(10.0));
    }

    @Test
    void percentilesInterpolateWithinTheBucketLikePrometheus() {
        sampleAfter(Duration.ZERO);
        traffic(90, 0, 0.8);  // (0.5 ms, 1 ms]
        traffic(10, 0, 40);   // (25 ms, 50 ms]
        sampleAfter(Duration.ofSeconds(1));
        SlidingWindow.View v = window.view();
        // rank 50 of the 90 in (0.5, 1]: 0.5 + 0.5 * 50/90
        assertThat(v.quantileMillis(0.5)).isCloseTo(0.5 + 0.5 * 50 / 90.0, within(1e-9));
        // rank 99: the 9th of the 10 in (25, 50]
        assertThat(v.quantileMillis(0.99)).isCloseTo(25 + 25 * 9 / 10.0, within(1e-9));
    }

    @Test
    void aRankBeyondTheLastBoundReportsTheLastBound() {
        sampleAfter(Duration.ZERO);
        traffic(10, 10, 60_000);
        sampleAfter(Duration.ofSeconds(1));
        assertThat(window.view().quantileMillis(0.99)).isEqualTo(10_000);
    }
}
