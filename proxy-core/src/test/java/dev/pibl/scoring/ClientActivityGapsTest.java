package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The exponentially weighted mean, variance and coefficient of variation of the gaps between requests. */
class ClientActivityGapsTest {

    private static final long SECOND = 1_000_000_000L;

    private final ClientActivity client = new ClientActivity("203.0.113.7", new UserAgents(), 0);

    private void get(double seconds) {
        client.onRequest(Math.round(seconds * SECOND), "GET", "/poll", "bot/1.0");
    }

    private double[] features(double seconds) {
        double[] into = new double[Features.COUNT];
        client.features(Math.round(seconds * SECOND), into);
        return into;
    }

    @Test
    void aMachinesSteadyBeatHasNoVariation() {
        for (int i = 0; i < 30; i++) {
            get(2.0 * i);
        }

        double[] f = features(58.5);
        assertThat(f[Features.GAP_MEAN]).isCloseTo(2, within(1e-9));
        assertThat(f[Features.GAP_VARIANCE]).isCloseTo(0, within(1e-9));
        assertThat(f[Features.GAP_CV]).isCloseTo(0, within(1e-9));
    }

    @Test
    void anIrregularClientVaries() {
        double t = 0;
        get(t);
        for (int i = 0; i < 60; i++) {
            t += i % 2 == 0 ? 0.5 : 3.5;
            get(t);
        }

        double[] f = features(t);
        // Gaps of 0.5 and 3.5 s in turn: mean 2, standard deviation 1.5, give or take the weighting.
        assertThat(f[Features.GAP_MEAN]).isCloseTo(2, within(0.25));
        assertThat(f[Features.GAP_VARIANCE]).isCloseTo(2.25, within(0.5));
        assertThat(f[Features.GAP_CV]).isCloseTo(0.75, within(0.15));
    }

    @Test
    void recentGapsCountMost() {
        double t = 0;
        get(t);
        for (int i = 0; i < 50; i++) {
            get(t += 1);
        }
        for (int i = 0; i < 30; i++) {
            get(t += 5);
        }

        // 0.9^30 of the old 1 s beat is left: 5 - 4 * 0.042.
        assertThat(features(t)[Features.GAP_MEAN]).isCloseTo(5 - 4 * Math.pow(0.9, 30), within(1e-6));
    }

    @Test
    void oneRequestHasNoGapAndALongSilenceCountsAsSixtySeconds() {
        get(0);
        assertThat(features(0)[Features.GAP_MEAN]).isZero();

        get(600);
        assertThat(features(600)[Features.GAP_MEAN]).isEqualTo(60);
    }

    @Test
    void gapsReadZeroOnceTheClientHasBeenQuietForAMinute() {
        get(0);
        get(1);
        assertThat(features(61)[Features.GAP_MEAN]).isEqualTo(1);
        assertThat(features(61.5)[Features.GAP_MEAN]).isZero();

        get(62);
        assertThat(features(62)[Features.GAP_MEAN]).as("the silence is the newest gap, capped")
                .isCloseTo(1 + 0.1 * (60 - 1), within(1e-9));
    }
}
