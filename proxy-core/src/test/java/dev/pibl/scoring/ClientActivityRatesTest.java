package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Request and byte rates over 1, 10 and 60 seconds on a fake clock: steady traffic, decay, the sliding approximation, time going backwards. */
class ClientActivityRatesTest {

    private static final long SECOND = 1_000_000_000L;
    /** Any origin will do: System.nanoTime() has none. */
    private static final long START = -42 * SECOND;

    private final ClientActivity client = new ClientActivity("203.0.113.7", new UserAgents(), START);

    private static long at(double seconds) {
        return START + Math.round(seconds * SECOND);
    }

    private void get(double seconds) {
        client.onRequest(at(seconds), "GET", "/", "curl/8.5.0");
    }

    private double[] features(double seconds) {
        double[] into = new double[Features.COUNT];
        client.features(at(seconds), into);
        return into;
    }

    /** Ten requests a second, at 0.05, 0.15, ... up to 69.95 s. */
    private void tenPerSecondForSeventySeconds() {
        for (int i = 0; i < 700; i++) {
            get(0.05 + i * 0.1);
        }
    }

    @Test
    void steadyTrafficReadsTheSameRateInEveryWindow() {
        tenPerSecondForSeventySeconds();

        double[] f = features(70);
        assertThat(f[Features.RATE_1S]).isCloseTo(10, within(1e-9));
        assertThat(f[Features.RATE_10S]).isCloseTo(10, within(1e-9));
        assertThat(f[Features.RATE_60S]).isCloseTo(10, within(1e-9));
        assertThat(client.requests()).isEqualTo(700);
        assertThat(client.lastSeenNanos()).isEqualTo(at(69.95));
    }

    @Test
    void ratesDecayAsTheLastRequestsLeaveEachWindow() {
        tenPerSecondForSeventySeconds();

        // Half a second after: half of the last full second is still inside the 1 s window.
        assertThat(features(70.5)[Features.RATE_1S]).isCloseTo(5, within(1e-9));
        assertThat(features(71)[Features.RATE_1S]).isZero();
        // (65.5, 75.5] held 45 requests.
        assertThat(features(75.5)[Features.RATE_10S]).isCloseTo(4.5, within(1e-9));
        assertThat(features(80)[Features.RATE_10S]).isZero();
        // (45, 105] held 250.
        assertThat(features(105)[Features.RATE_60S]).isCloseTo(250 / 60.0, within(1e-9));
        // (70, 130] held none, but half of the bucket [60, 80) is inside: as if its 100 had been spread over it.
        assertThat(features(130)[Features.RATE_60S]).isCloseTo(50 / 60.0, within(1e-9));
        assertThat(features(140)[Features.RATE_60S]).isZero();
    }

    @Test
    void theOldestBucketCountsInProportionToWhatIsLeftOfItInTheWindow() {
        // A burst late in one second: the approximation assumes it was spread over that second.
        for (int i = 0; i < 100; i++) {
            get(0.9);
        }

        assertThat(features(0.95)[Features.RATE_1S]).isEqualTo(100);
        assertThat(features(1.5)[Features.RATE_1S]).isCloseTo(50, within(1e-9));
        assertThat(features(1.75)[Features.RATE_1S]).isCloseTo(25, within(1e-9));
        assertThat(features(2)[Features.RATE_1S]).isZero();
        assertThat(features(2)[Features.RATE_10S]).isCloseTo(10, within(1e-9));
    }

    @Test
    void byteRatesArePerSecondOverTheLastMinute() {
        for (int i = 0; i < 60; i++) {
            client.onRequest(at(i + 0.5), "POST", "/upload", "curl/8.5.0");
            client.onResponse(at(i + 0.6), 201, 3_000, 500, false);
        }
        client.onResponse(at(59.7), 499, -1, -1, false);

        double[] f = features(60);
        assertThat(f[Features.BYTES_IN_RATE]).isCloseTo(3_000, within(1e-9));
        assertThat(f[Features.BYTES_OUT_RATE]).isCloseTo(500, within(1e-9));
        assertThat(features(200)[Features.BYTES_IN_RATE]).isZero();
    }

    @Test
    void connectionsCountUpAndDownButNeverBelowZero() {
        client.connectionOpened();
        client.connectionOpened();
        client.connectionOpened();
        client.connectionClosed();
        assertThat(features(0)[Features.CONNECTIONS]).isEqualTo(2);

        for (int i = 0; i < 5; i++) {
            client.connectionClosed();
        }
        assertThat(features(0)[Features.CONNECTIONS]).isZero();
        client.connectionOpened();
        assertThat(features(500)[Features.CONNECTIONS]).as("not windowed: open is open").isEqualTo(1);
    }

    @Test
    void aClockGoingBackwardsCountsAsNoTimePassing() {
        get(10);
        get(10.5);
        get(3); // an earlier reading: as if at 10.5

        double[] f = features(4);
        assertThat(f[Features.RATE_1S]).isEqualTo(3);
        assertThat(f[Features.GAP_MEAN]).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(0.5);
        assertThat(client.lastSeenNanos()).isEqualTo(at(10.5));
        assertThat(features(11)[Features.RATE_1S]).as("then time moves on from 10.5").isCloseTo(3, within(1e-9));
        assertThat(features(12)[Features.RATE_1S]).isZero();
    }

    @Test
    void afterEightyIdleSecondsEveryFeatureButConnectionsIsZero() {
        // Rarity from the first client on, so that every feature has something to forget.
        ClientActivity busy = new ClientActivity("198.51.100.2", new UserAgents(2, 1), START);
        busy.connectionOpened();
        int[] statuses = {404, 500, 200, 200};
        for (int i = 0; i < 50; i++) {
            double t = i * 0.2 + (i % 2) * 0.05;
            busy.onRequest(at(t), i % 2 == 0 ? "GET" : "DELETE", "/item/" + (i % 7), i % 3 == 0 ? null : "bot");
            busy.onResponse(at(t + 0.1), statuses[i % 4], 10, 20, i % 2 == 0);
        }
        double[] active = new double[Features.COUNT];
        busy.features(at(10), active);
        for (int i = 0; i < Features.COUNT; i++) {
            assertThat(active[i]).as(Features.NAMES.get(i)).isGreaterThan(0);
        }

        double[] idle = new double[Features.COUNT];
        busy.features(at(9.9 + 80), idle);
        for (int i = 0; i < Features.COUNT; i++) {
            assertThat(idle[i]).as(Features.NAMES.get(i)).isEqualTo(i == Features.CONNECTIONS ? 1 : 0);
        }
    }
}
