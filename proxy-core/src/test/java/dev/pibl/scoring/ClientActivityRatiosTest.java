package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Shares of responses and requests over the last minute: errors, cache hits, methods, missing User-Agents. */
class ClientActivityRatiosTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long START = 1_000 * SECOND;

    private final ClientActivity client = new ClientActivity("203.0.113.7", new UserAgents(), START);

    private static long at(double seconds) {
        return START + Math.round(seconds * SECOND);
    }

    private double[] features(double seconds) {
        double[] into = new double[Features.COUNT];
        client.features(at(seconds), into);
        return into;
    }

    private void exchange(double seconds, int status) {
        client.onRequest(at(seconds), "GET", "/", "curl/8.5.0");
        client.onResponse(at(seconds), status, 0, 100, false);
    }

    @Test
    void nothingSeenReadsZeroNotNaN() {
        assertThat(features(0)).containsOnly(0);
        assertThat(features(30)).containsOnly(0);
    }

    @Test
    void errorSharesAreOfCompletedResponses() {
        int[] statuses = {200, 200, 304, 404, 410, 403, 499, 500, 503, 200};
        for (int i = 0; i < statuses.length; i++) {
            exchange(i, statuses[i]);
        }
        client.onRequest(at(10), "GET", "/slow", "curl/8.5.0"); // no response yet: not in the shares

        double[] f = features(11);
        assertThat(f[Features.ERROR_4XX_RATIO]).as("404, 410, 403, 499").isCloseTo(0.4, within(1e-9));
        assertThat(f[Features.NOT_FOUND_RATIO]).as("404, 410").isCloseTo(0.2, within(1e-9));
        assertThat(f[Features.ERROR_5XX_RATIO]).as("500, 503").isCloseTo(0.2, within(1e-9));
    }

    @Test
    void sharesForgetWhatLeftTheMinute() {
        for (int i = 0; i < 10; i++) {
            exchange(i, 404);
        }
        for (int i = 0; i < 5; i++) {
            exchange(70 + i, 200);
        }

        // At 79 s the 404s' bucket [0, 20) is a twentieth inside the window: half a 404 against five 200s.
        assertThat(features(79)[Features.ERROR_4XX_RATIO]).isCloseTo(0.5 / 5.5, within(1e-9));
        assertThat(features(80)[Features.ERROR_4XX_RATIO]).isZero();
        assertThat(features(80)[Features.RATE_60S]).isCloseTo(5 / 60.0, within(1e-9));
    }

    @Test
    void cacheHitShare() {
        for (int i = 0; i < 4; i++) {
            client.onRequest(at(i), "GET", "/logo.png", "curl/8.5.0");
            client.onResponse(at(i), 200, 0, 5_000, i != 0);
        }

        assertThat(features(5)[Features.CACHE_HIT_RATIO]).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void getAndHeadReadEverythingElseCountsAsNonGet() {
        String[] methods = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "GET", "GET"};
        for (int i = 0; i < methods.length; i++) {
            client.onRequest(at(i), methods[i], "/", "curl/8.5.0");
        }

        assertThat(features(8)[Features.NON_GET_RATIO]).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void absentAndBlankUserAgentsAreMissing() {
        CharSequence[] agents = {null, "", " \t", "curl/8.5.0", "Mozilla/5.0", "-", null, "Mozilla/5.0"};
        for (int i = 0; i < agents.length; i++) {
            client.onRequest(at(i), "GET", "/", agents[i]);
        }

        double[] f = features(8);
        assertThat(f[Features.UA_MISSING]).isCloseTo(0.5, within(1e-9));
        assertThat(f[Features.UA_RARE]).as("fewer than 50 clients seen: nothing is rare yet").isZero();
    }

    @Test
    void aVectorOfTheWrongLengthIsRefused() {
        assertThatThrownBy(() -> client.features(at(0), new double[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("into: 3 values (expected: 17)");
    }
}
