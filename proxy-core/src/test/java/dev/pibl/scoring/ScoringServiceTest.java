package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When clients are scored, how their tier follows the score, and what happens while a scorer is slow or down. */
class ScoringServiceTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ClientTracker clients = new ClientTracker(1000, Duration.ofMinutes(10), new UserAgents(), nanos::get);
    private final Tiers tiers = new Tiers(List.of(
            new Tier(0, "trusted", 0, 0.5, TierAction.ROUTE, List.of("a"), null, Duration.ofSeconds(30)),
            new Tier(1, "suspicious", 0.5, 0.9, TierAction.ROUTE, List.of("b"), null, Duration.ofSeconds(30)),
            new Tier(2, "abusive", 0.9, 1.0, TierAction.DENY, List.of(), null, Duration.ofSeconds(30))), 0.05);

    /** A scorer answering from a script: numbers at once, or futures the test completes. */
    private static final class Scripted implements Scorer {
        final ArrayDeque<Object> answers = new ArrayDeque<>();
        final List<ScoreRequest> asked = new ArrayList<>();

        Scripted then(Object... next) {
            answers.addAll(List.of(next));
            return this;
        }

        @Override
        public String kind() {
            return "test";
        }

        @Override
        public String version() {
            return "script-1";
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletionStage<Double> score(ScoreRequest request) {
            asked.add(request);
            Object next = answers.isEmpty() ? 0.1 : answers.poll();
            if (next instanceof CompletableFuture<?> f) {
                return (CompletableFuture<Double>) f;
            }
            if (next instanceof ScorerException e) {
                return CompletableFuture.failedFuture(e);
            }
            return CompletableFuture.completedFuture((Double) next);
        }
    }

    private ScoringService service(Scorer scorer, Scorer shadow, Duration maxAge) {
        return new ScoringService(clients, scorer, shadow, tiers, tiers.byName("trusted"), SECOND, 10, maxAge,
                Duration.ofMillis(50));
    }

    private Decision request(ScoringService s, String ip) {
        return s.onRequest(clients.activity(ip), ip, "GET", "/", "curl/8", Runnable::run);
    }

    @Test
    void aNewClientIsScoredAtOnceAndRoutedByTheScore() {
        Scripted scorer = new Scripted().then(0.7);
        Decision d = request(service(scorer, null, Duration.ofDays(1)), "203.0.113.7");
        assertThat(d.isPending()).isFalse();
        assertThat(d.tier().name()).isEqualTo("suspicious");
        assertThat(d.score()).isEqualTo(0.7);
        assertThat(d.model()).isEqualTo("script-1");
        assertThat(scorer.asked).hasSize(1);
        assertThat(scorer.asked.get(0).clientIp()).isEqualTo("203.0.113.7");
        assertThat(scorer.asked.get(0).features()[Features.RATE_1S]).as("the request is counted first").isPositive();
    }

    @Test
    void scoresAreRefreshedEveryTenRequestsOrEverySecond() {
        Scripted scorer = new Scripted();
        ScoringService s = service(scorer, null, Duration.ofDays(1));
        for (int i = 0; i < 10; i++) {
            request(s, "203.0.113.7");
        }
        assertThat(scorer.asked).as("the first request only").hasSize(1);
        request(s, "203.0.113.7");
        assertThat(scorer.asked).as("the 11th request").hasSize(2);
        nanos.addAndGet(SECOND.toNanos());
        request(s, "203.0.113.7");
        assertThat(scorer.asked).as("a second later").hasSize(3);
    }

    @Test
    void aClientChangesTierOnlyPastTheMargin() {
        Scripted scorer = new Scripted().then(0.45, 0.52, 0.56, 0.47, 0.44);
        ScoringService s = service(scorer, null, Duration.ofDays(1));
        List<String> tiersSeen = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tiersSeen.add(request(s, "203.0.113.7").tier().name());
            nanos.addAndGet(SECOND.toNanos());
        }
        assertThat(tiersSeen).containsExactly("trusted", "trusted", "suspicious", "suspicious", "trusted");
        assertThat(s.stats().tierChanges()).isEqualTo(2);
    }

    @Test
    void requestsOfAClientWithoutAScoreWaitForTheOneCallInFlight() {
        CompletableFuture<Double> answer = new CompletableFuture<>();
        Scripted scorer = new Scripted().then(answer);
        ScoringService s = service(scorer, null, SECOND);
        Decision first = request(s, "203.0.113.7");
        Decision second = request(s, "203.0.113.7");
        assertThat(first.isPending()).isTrue();
        assertThat(second.pending()).isSameAs(first.pending());
        assertThat(scorer.asked).hasSize(1);
        answer.complete(0.95);
        assertThat(first.pending()).isCompleted();
        assertThat(first.pending().join().tier().name()).isEqualTo("abusive");
        assertThat(s.stats().waits()).isEqualTo(2);
    }

    @Test
    void aFailedScoreRoutesByTheFallbackTierAndIsRemembered() {
        CompletableFuture<Double> answer = new CompletableFuture<>();
        Scripted scorer = new Scripted().then(answer);
        ScoringService s = service(scorer, null, SECOND);
        Decision waiting = request(s, "203.0.113.7");
        answer.completeExceptionally(new ScorerException(ScorerException.Kind.TIMEOUT, "timeout after 50ms"));
        Decision d = waiting.pending().join();
        assertThat(d.tier().name()).isEqualTo("trusted");
        assertThat(d.isFallback()).isTrue();
        assertThat(d.fallbackReason()).isEqualTo("timeout after 50ms");
        // Not due again yet: the next request goes to the fallback tier without a call.
        Decision next = request(s, "203.0.113.7");
        assertThat(next.isPending()).isFalse();
        assertThat(next.isFallback()).isTrue();
        assertThat(scorer.asked).hasSize(1);
        assertThat(s.stats().timeouts()).isEqualTo(1);
        assertThat(s.report("203.0.113.7").score().lastError()).isEqualTo("timeout after 50ms");
    }

    @Test
    void aPreviousScoreRoutesWhileItsRefreshIsInFlightUntilItIsTooOld() {
        CompletableFuture<Double> refresh = new CompletableFuture<>();
        Scripted scorer = new Scripted().then(0.95, refresh);
        ScoringService s = service(scorer, null, Duration.ofSeconds(3));
        assertThat(request(s, "203.0.113.7").tier().name()).isEqualTo("abusive");
        nanos.addAndGet(SECOND.toNanos());
        Decision during = request(s, "203.0.113.7");
        assertThat(during.isPending()).isFalse();
        assertThat(during.tier().name()).isEqualTo("abusive");
        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(request(s, "203.0.113.7").isPending()).as("too old, refresh still in flight").isTrue();
    }

    @Test
    void anExpiredScoreIsReplacedAtOnceRatherThanFallenBackFrom() {
        CompletableFuture<Double> second = new CompletableFuture<>();
        Scripted scorer = new Scripted().then(0.95, second);
        ScoringService s = service(scorer, null, Duration.ofMillis(500)); // expires before the 1 s refresh
        assertThat(request(s, "203.0.113.7").tier().name()).isEqualTo("abusive");
        nanos.addAndGet(Duration.ofMillis(700).toNanos());
        Decision later = request(s, "203.0.113.7");
        assertThat(later.isPending()).as("waits for the new score, not the trusted fallback").isTrue();
        second.complete(0.96);
        assertThat(later.pending().join().tier().name()).isEqualTo("abusive");
    }

    @Test
    void everyRequestRoutedByTheFallbackIsCounted() {
        CompletableFuture<Double> answer = new CompletableFuture<>();
        ScoringService s = service(new Scripted().then(answer), null, SECOND);
        List<Decision> waiting = List.of(request(s, "203.0.113.7"), request(s, "203.0.113.7"),
                request(s, "203.0.113.7"));
        answer.completeExceptionally(new ScorerException(ScorerException.Kind.ERROR, "status 500"));
        waiting.forEach(d -> s.routed(d.pending().join()));
        assertThat(s.stats().fallbacks()).isEqualTo(3);
        assertThat(s.stats().errors()).isEqualTo(1);
    }

    @Test
    void aShadowScoreIsReportedButNeverRoutes() {
        Scripted scorer = new Scripted().then(0.1);
        Scripted shadow = new Scripted().then(0.99);
        ScoringService s = service(scorer, shadow, Duration.ofDays(1));
        Decision d = request(s, "203.0.113.7");
        assertThat(d.tier().name()).isEqualTo("trusted");
        assertThat(d.shadowScore()).isEqualTo(0.99);
        assertThat(s.report("203.0.113.7").score().shadowModel()).isEqualTo("script-1");
        assertThat(s.stats().shadowCalls()).isEqualTo(1);
    }

    @Test
    void everyScoredVectorIsExportedWithTheScoreItGot() {
        Scripted scorer = new Scripted().then(0.7, new ScorerException(ScorerException.Kind.ERROR, "status 500"));
        ScoringService s = service(scorer, null, Duration.ofDays(1));
        List<String> lines = new ArrayList<>();
        s.exportTo(new FeatureExport(lines::add, java.time.Clock.systemUTC()));
        for (int i = 0; i < 11; i++) {
            request(s, "203.0.113.7");
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"key\":\"203.0.113.7\"", "\"requests\":1,", "\"score\":0.7,",
                "\"tier\":\"suspicious\"", "\"model\":\"script-1\"");
        assertThat(lines.get(1)).contains("\"requests\":11,", "\"score\":null", "\"tier\":null");
    }

    @Test
    void topListsTheHighestScoresFirst() {
        Scripted scorer = new Scripted().then(0.3, 0.9, 0.6);
        ScoringService s = service(scorer, null, Duration.ofDays(1));
        request(s, "192.0.2.1");
        request(s, "192.0.2.2");
        request(s, "192.0.2.3");
        assertThat(s.top(2)).extracting(ScoringService.TopClient::key).containsExactly("192.0.2.2", "192.0.2.3");
        assertThat(s.report("192.0.2.9")).isNull();
    }
}
