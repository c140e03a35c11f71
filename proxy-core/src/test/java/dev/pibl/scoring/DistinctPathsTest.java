package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The distinct-path share: close for a few paths, within two of the documented standard errors
 * for many (7% up to 170 distinct paths, 15% beyond), and never saturated by a fast crawler.
 */
class DistinctPathsTest {

    private static final long SECOND = 1_000_000_000L;

    private final ClientActivity client = new ClientActivity("203.0.113.7", new UserAgents(), 0);

    private void get(double seconds, String target) {
        client.onRequest(Math.round(seconds * SECOND), "GET", target, "curl/8.5.0");
    }

    private double ratio(double seconds) {
        double[] into = new double[Features.COUNT];
        client.features(Math.round(seconds * SECOND), into);
        return into[Features.DISTINCT_PATH_RATIO];
    }

    @Test
    void oneHotPathIsOneDistinctPathForAllItsRequests() {
        for (int i = 0; i < 300; i++) {
            get(i * 0.1, "/search?q=" + i);
        }

        assertThat(ratio(30)).isCloseTo(1 / 300.0, within(0.0005));
    }

    @Test
    void everyPathNewReadsNearOne() {
        for (int i = 0; i < 150; i++) {
            get(i * 0.2, "/item/" + i);
        }

        assertThat(ratio(30)).isBetween(0.9, 1.0);
    }

    @Test
    void aHundredPathsVisitedFourTimesEachIsAQuarter() {
        for (int i = 0; i < 400; i++) {
            get(i * 0.1, "/page/" + i % 100);
        }

        assertThat(ratio(40)).isCloseTo(0.25, within(0.25 * 0.14));
    }

    @Test
    void aFastCrawlerIsSampledNotSaturated() {
        for (int i = 0; i < 30_000; i++) {
            get(i * 0.001, "/product/" + i);
        }

        assertThat(ratio(30)).isBetween(0.7, 1.0);
    }

    @Test
    void aFastClientOnAFewHundredPathsStaysLow() {
        for (int i = 0; i < 30_000; i++) {
            get(i * 0.001, "/api/v1/thing/" + i % 300);
        }

        assertThat(ratio(30)).isCloseTo(0.01, within(0.01 * 0.3));
    }

    @Test
    void theQueryAndTheAbsoluteFormDoNotMakeANewPath() {
        String[] sameAsA = {"/a", "/a?x=1", "http://example.com/a?y=2", "https://example.com:8443/a", "/a#top"};
        String[] sameAsRoot = {"/", "http://example.com", "http://example.com?x=1", "/?x"};
        for (String target : sameAsA) {
            get(1, target);
        }
        for (String target : sameAsRoot) {
            get(1, target);
        }
        get(1, "/a/");

        assertThat(ratio(1)).as("/a, / and /a/ in 10 requests").isCloseTo(0.3, within(0.005));
    }

    @Test
    void theSamplingLevelComesBackDownOnceABurstHasLeftTheWindow() {
        PathSketch sketch = new PathSketch(2);
        for (int i = 0; i < 20_000; i++) {
            sketch.add(0, Hashes.of("/product/" + i));
        }
        assertThat(sketch.level()).isPositive();
        assertThat(sketch.ratio()).isBetween(0.7, 1.0);

        sketch.clear(1);
        sketch.rotated(1, 20_000);
        assertThat(sketch.level()).as("the window still holds the burst").isPositive();
        for (int i = 0; i < 60; i++) {
            sketch.add(1, Hashes.of("/slow/" + i % 30));
        }
        sketch.clear(0);
        sketch.rotated(1, 60);
        assertThat(sketch.level()).isZero();

        // The count restarted at the lower level: 30 paths in the 60 requests since.
        for (int i = 0; i < 60; i++) {
            sketch.add(0, Hashes.of("/slow/" + i % 30));
        }
        assertThat(sketch.ratio()).isCloseTo(0.5, within(0.5 * 0.14));
    }

    @Test
    void aSlowClientAfterABurstReadsRightOnceTheBurstHasLeftTheWindow() {
        for (int i = 0; i < 20_000; i++) {
            get(i * 0.0005, "/product/" + i);
        }
        for (int i = 0; i < 140; i++) {
            get(10 + i, "/slow/" + i % 30);
        }

        // The window is the buckets [80, 160): 70 requests on 30 paths.
        assertThat(ratio(150)).isCloseTo(3 / 7.0, within(3 / 7.0 * 0.14));
    }

    @Test
    void quietForAWindowReadsZero() {
        for (int i = 0; i < 20_000; i++) {
            get(i * 0.001, "/product/" + i);
        }

        assertThat(ratio(20)).isPositive();
        assertThat(ratio(19.999 + 80)).isZero();
    }
}
