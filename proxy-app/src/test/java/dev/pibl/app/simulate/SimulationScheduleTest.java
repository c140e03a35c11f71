package dev.pibl.app.simulate;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.pibl.app.simulate.SimulationPlanTest.all;
import static dev.pibl.app.simulate.SimulationPlanTest.paths;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each kind's planned behaviour, without sockets: paths, methods, rates, regularity, User-Agent. */
class SimulationScheduleTest {

    private static final Duration LONG = Duration.ofSeconds(600);

    @Test
    void browserViewsPagesWithThinkTimeEachFollowedByABurstOfAssets() {
        ClientPlan browser = only(ClientKind.BROWSER, 3, LONG, 1.0);
        List<PlannedRequest> requests = all(browser.schedule());
        List<Long> pageTimes = new ArrayList<>();
        List<Integer> burst = new ArrayList<>();
        for (PlannedRequest r : requests) {
            if (r.path().startsWith("/page/")) {
                pageTimes.add(r.atNanos());
                burst.add(0);
            } else {
                assertThat(r.path()).matches("/static/(style\\.css|1k\\.bin|100k\\.bin)|/favicon\\.ico");
                burst.set(burst.size() - 1, burst.get(burst.size() - 1) + 1);
            }
        }
        assertThat(requests.get(0).path()).startsWith("/page/");
        assertThat(burst.subList(1, burst.size() - 1)).allMatch(n -> n >= 3 && n <= 40)
                .anyMatch(n -> n > 30).anyMatch(n -> n < 8);
        assertThat(requests.stream().filter(r -> r.path().equals("/favicon.ico"))).hasSize(1);
        double meanThink = (pageTimes.get(pageTimes.size() - 1) - pageTimes.get(0)) / 1e9 / (pageTimes.size() - 1);
        assertThat(meanThink).isBetween(2.0, 5.0);
        // Zipf: a few popular pages come back again and again.
        Map<String, Integer> views = new HashMap<>();
        requests.stream().filter(r -> r.path().startsWith("/page/")).forEach(r -> views.merge(r.path(), 1, Integer::sum));
        assertThat(views.values().stream().mapToInt(Integer::intValue).max().orElse(0)).isGreaterThan(5);
        assertThat(browser.connections()).isEqualTo(6);
        assertThat(browser.userAgent()).startsWith("Mozilla/5.0 (");
    }

    @Test
    void apiClientReadsOnASteadyBeatOfHalfASecondToASecond() {
        List<PlannedRequest> requests = all(only(ClientKind.API, 5, LONG, 1.0).schedule());

        assertThat(requests).allMatch(r -> r.method().equals("GET") && r.path().startsWith("/api/"));
        assertThat(gapsSeconds(requests)).allMatch(g -> g >= 0.45 && g <= 1.1);
    }

    @Test
    void crawlerAsksForRobotsTxtFirstThenDistinctPagesAboutOncePerSecond() {
        ClientPlan crawler = only(ClientKind.CRAWLER, 5, LONG, 1.0);
        List<PlannedRequest> requests = all(crawler.schedule());

        assertThat(requests.get(0).target()).isEqualTo("/robots.txt");
        List<PlannedRequest> pages = requests.subList(1, requests.size());
        assertThat(pages).allMatch(r -> r.path().startsWith("/page/"));
        assertThat(paths(pages)).hasSize(pages.size());
        assertThat(gapsSeconds(requests)).allMatch(g -> g >= 0.6 && g <= 1.6);
        assertThat(crawler.userAgent()).containsIgnoringCase("bot");
    }

    @Test
    void flooderSendsHundredsPerSecondToAFewPaths() {
        for (long seed = 1; seed <= 5; seed++) {
            ClientPlan flooder = only(ClientKind.FLOODER, seed, Duration.ofSeconds(10), 1.0);
            List<PlannedRequest> requests = all(flooder.schedule());

            assertThat(requests.size() / 10.0).isBetween(150.0, 550.0);
            assertThat(paths(requests)).hasSizeBetween(1, 3);
            assertThat(flooder.connections()).isBetween(1, 4);
            assertThat(flooder.userAgent()).satisfiesAnyOf(ua -> assertThat(ua).isNull(),
                    ua -> assertThat(ua).doesNotContain("Mozilla"));
        }
    }

    @Test
    void scannerProbesRandomPathsMostlyMissingAtAModerateRate() {
        List<PlannedRequest> requests = all(only(ClientKind.SCANNER, 5, Duration.ofSeconds(60), 1.0).schedule());

        assertThat(requests.size() / 60.0).isBetween(9.0, 31.0);
        long misses = requests.stream().filter(r -> !servedByTheDemoSite(r.path())).count();
        assertThat((double) misses / requests.size()).isGreaterThan(0.7);
        assertThat((double) paths(requests).size() / requests.size()).isGreaterThan(0.4);
    }

    @Test
    void stufferPostsLoginFormsFiveToTenTimesASecond() {
        List<PlannedRequest> requests = all(only(ClientKind.STUFFER, 5, Duration.ofSeconds(60), 1.0).schedule());

        assertThat(requests.size() / 60.0).isBetween(4.5, 10.5);
        assertThat(requests).allMatch(r -> r.method().equals("POST") && r.target().equals("/login")
                && r.body().matches("username=user[0-9]+%40example\\.com&password=\\S+"));
    }

    @Test
    void scraperFetchesDistinctPagesOnAnAlmostPerfectBeatAndNoAssets() {
        List<PlannedRequest> requests = all(only(ClientKind.SCRAPER, 5, Duration.ofSeconds(60), 1.0).schedule());

        assertThat(requests.size() / 60.0).isBetween(1.9, 5.1);
        assertThat(requests).allMatch(r -> r.path().startsWith("/page/"));
        assertThat(paths(requests)).hasSize(requests.size());
        List<Double> gaps = gapsSeconds(requests);
        double mean = gaps.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(gaps).allMatch(g -> Math.abs(g - mean) <= 0.1 * mean);
    }

    @Test
    void timeScaleMultipliesEveryGap() {
        List<PlannedRequest> normal = all(only(ClientKind.BROWSER, 9, Duration.ofSeconds(60), 1.0).schedule());
        List<PlannedRequest> quick = all(only(ClientKind.BROWSER, 9, Duration.ofSeconds(30), 0.5).schedule());

        assertThat(quick).hasSize(normal.size());
        for (int i = 0; i < normal.size(); i++) {
            assertThat(quick.get(i).target()).isEqualTo(normal.get(i).target());
            assertThat((double) quick.get(i).atNanos()).isCloseTo(normal.get(i).atNanos() / 2.0, within(1_000.0)); // rounding, a nanosecond a step
        }
    }

    /** What the demo backends answer with 2xx (docs/demo-backends.md). */
    static boolean servedByTheDemoSite(String path) {
        return path.equals("/") || path.equals("/robots.txt") || path.startsWith("/page/") || path.startsWith("/api/")
                || path.matches("/static/(index\\.html|style\\.css|1k\\.bin|100k\\.bin|1m\\.bin)");
    }

    static ClientPlan only(ClientKind kind, long seed, Duration duration, double timeScale) {
        SimulationSettings settings = new SimulationSettings(seed, duration, 1_000_000, Map.of(kind, 1), Map.of(),
                timeScale, false, null);
        return SimulationPlan.of(settings).clients().get(0);
    }

    private static List<Double> gapsSeconds(List<PlannedRequest> requests) {
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < requests.size(); i++) {
            gaps.add((requests.get(i).atNanos() - requests.get(i - 1).atNanos()) / 1e9);
        }
        return gaps;
    }
}
