package dev.pibl.config;

import static dev.pibl.config.Configs.parse;
import static dev.pibl.config.Configs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.ScoringConfig.Action;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code balancing.score}: defaults, the tiers as a whole, and one message per kind of mistake. */
class ScoringConfigTest {

    private static final String BACKENDS = "backends:\n"
            + "  - { name: main-1, url: \"http://127.0.0.1:9001\" }\n"
            + "  - { name: main-2, url: \"http://127.0.0.1:9002\" }\n"
            + "  - { name: jail, url: \"http://127.0.0.1:9003\" }\n";
    private static final String POLICY = "balancing:\n  policy: score\n  score:\n";

    private static String score(String body) {
        return BACKENDS + POLICY + body;
    }

    private static final String THREE_TIERS = "    tiers:\n"
            + "      - { name: trusted, below: 0.5, pool: [main-1, main-2] }\n"
            + "      - { name: suspicious, below: 0.9, pool: [jail], spill-to: trusted }\n"
            + "      - { name: abusive, action: deny, retry-after: 2m }\n";

    @Test
    void defaultsAroundTheTiers() throws ConfigException {
        ScoringConfig s = parse(score(THREE_TIERS)).balancing().score();
        assertThat(s.scorer().kind()).isEqualTo(ScoringConfig.ScorerConfig.Kind.BUILTIN);
        assertThat(s.scorer().model()).isEqualTo(Path.of("config/models/behaviour.json"));
        assertThat(s.shadow()).isNull();
        assertThat(s.refreshInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.refreshRequests()).isEqualTo(10);
        assertThat(s.fallbackTier()).isEqualTo("trusted");
        assertThat(s.hysteresis()).isEqualTo(0.05);
        assertThat(s.clients()).isEqualTo(ScoringConfig.ClientsConfig.defaults());
        assertThat(s.tiers()).extracting(ScoringConfig.TierConfig::name)
                .containsExactly("trusted", "suspicious", "abusive");
        ScoringConfig.TierConfig abusive = s.tiers().get(2);
        assertThat(abusive.from()).isEqualTo(0.9);
        assertThat(abusive.below()).isEqualTo(1.0);
        assertThat(abusive.action()).isEqualTo(Action.DENY);
        assertThat(abusive.retryAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.tiers().get(1).spillTo()).isEqualTo("trusted");
    }

    @Test
    void roundRobinNeedsNoScoreSection() throws ConfigException {
        assertThat(parse(BACKENDS).balancing()).isEqualTo(BalancingConfig.roundRobin());
    }

    @Test
    void httpScorerWithShadowModel() throws ConfigException {
        ScoringConfig s = parse(score("    scorer: http\n"
                + "    http: { url: \"http://127.0.0.1:5000/score_ip\", method: post, timeout: 20ms,"
                + " score-field: risk, query-parameter: addr }\n"
                + "    shadow: { scorer: builtin, model: config/models/candidate.json }\n"
                + THREE_TIERS)).balancing().score();
        assertThat(s.scorer().http().url().toString()).isEqualTo("http://127.0.0.1:5000/score_ip");
        assertThat(s.scorer().http().post()).isTrue();
        assertThat(s.scorer().http().timeout()).isEqualTo(Duration.ofMillis(20));
        assertThat(s.scorer().http().scoreField()).isEqualTo("risk");
        assertThat(s.scorer().http().queryParameter()).isEqualTo("addr");
        assertThat(s.scorer().http().cacheTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.shadow().model()).isEqualTo(Path.of("config/models/candidate.json"));
    }

    @Test
    void scorePolicyWithoutSettings() {
        assertThat(problems(BACKENDS + "balancing:\n  policy: score\n")).containsExactly(
                "pibl.yaml:5: balancing.score: missing (expected: the score policy's settings, with tiers at least)");
    }

    @Test
    void gapBetweenTiers() {
        assertThat(problems(score("    tiers:\n"
                + "      - { name: trusted, below: 0.5, pool: [main-1] }\n"
                + "      - { name: abusive, from: 0.6, action: deny }\n"))).containsExactly(
                "pibl.yaml:10: balancing.score.tiers[1].from: 0.6"
                        + " (expected: 0.5 or nothing: where the tier before ends; tiers must neither overlap nor leave a gap)");
    }

    @Test
    void overlappingTiers() {
        assertThat(problems(score("    tiers:\n"
                + "      - { name: trusted, below: 0.5, pool: [main-1] }\n"
                + "      - { name: suspicious, below: 0.4, pool: [jail] }\n"
                + "      - { name: abusive, action: deny }\n"))).containsExactly(
                "pibl.yaml:10: balancing.score.tiers[1].below: 0.4 (expected: a number greater than 0.5 and at most 1)");
    }

    @Test
    void firstTierMustStartAtZeroAndLastReachOne() {
        assertThat(problems(score("    tiers:\n      - { name: trusted, from: 0.1, below: 0.5, pool: [main-1] }\n")))
                .containsExactly("pibl.yaml:9: balancing.score.tiers[0].from: 0.1"
                        + " (expected: 0 or nothing: where the tier before ends (the first tier starts at 0))");
        assertThat(problems(score("    tiers:\n      - { name: trusted, below: 0.5, pool: [main-1] }\n")))
                .containsExactly("pibl.yaml:9: balancing.score.tiers[0].below: 0.5"
                        + " (expected: 1 or nothing: the last tier must reach 1, or higher scores would have no tier)");
    }

    @Test
    void unknownBackendInPool() {
        assertThat(problems(score("    tiers:\n"
                + "      - { name: trusted, below: 0.5, pool: [main-1, main-3] }\n"
                + "      - { name: abusive, action: deny }\n"))).containsExactly(
                "pibl.yaml:9: balancing.score.tiers[0].pool[1]: main-3 (expected: the name of a backend: jail, main-1, main-2)");
    }

    @Test
    void poolOnADenyTierAndNoPoolOnARouteTier() {
        assertThat(problems(score("    tiers:\n"
                + "      - { name: trusted, below: 0.5 }\n"
                + "      - { name: abusive, action: deny, pool: [jail] }\n"))).containsExactly(
                "pibl.yaml:9: balancing.score.tiers[0].pool: missing"
                        + " (expected: a list of backend names from backends: jail, main-1, main-2)",
                "pibl.yaml:10: balancing.score.tiers[1].pool: [jail]"
                        + " (expected: no pool: a deny tier sends nothing to backends)");
    }

    @Test
    void onlyARouteTierSpillsOver() {
        assertThat(problems(score("    tiers:\n"
                + "      - { name: trusted, below: 0.5, pool: [main-1] }\n"
                + "      - { name: abusive, action: deny, spill-to: trusted }\n"))).containsExactly(
                "pibl.yaml:10: balancing.score.tiers[1].spill-to: trusted"
                        + " (expected: no spill-to: a deny tier has no pool to spill from)");
    }

    @Test
    void cacheOnlyNeedsTheCache() {
        assertThat(problems(BACKENDS + "cache:\n  enabled: false\n" + POLICY + "    tiers:\n"
                + "      - { name: trusted, below: 0.5, pool: [main-1] }\n"
                + "      - { name: abusive, action: cache-only }\n")).containsExactly(
                "pibl.yaml:12: balancing.score.tiers[1].action: cache-only"
                        + " (expected: route or deny while cache.enabled is false: cache-only answers from the cache)");
    }

    @Test
    void spillOverCycleAndUnknownTier() {
        assertThat(problems(score("    tiers:\n"
                + "      - { name: a, below: 0.3, pool: [main-1], spill-to: b }\n"
                + "      - { name: b, below: 0.6, pool: [main-2], spill-to: a }\n"
                + "      - { name: c, pool: [jail], spill-to: d }\n"))).containsExactly(
                "pibl.yaml:9: balancing.score.tiers[0].spill-to: b (expected: a tier whose spill-over does not lead back to a)",
                "pibl.yaml:10: balancing.score.tiers[1].spill-to: a (expected: a tier whose spill-over does not lead back to b)",
                "pibl.yaml:11: balancing.score.tiers[2].spill-to: d (expected: the name of another tier: a, b, c)");
    }

    @Test
    void fallbackTierMustExistAndNamesBeUnique() {
        assertThat(problems(score("    fallback-tier: nobody\n    tiers:\n"
                + "      - { name: a, below: 0.5, pool: [main-1] }\n"
                + "      - { name: a, action: deny }\n"))).containsExactly(
                "pibl.yaml:8: balancing.score.fallback-tier: nobody (expected: the name of a tier: a)",
                "pibl.yaml:11: balancing.score.tiers[1].name: a (expected: a name not used by another tier)");
    }

    @Test
    void scorerMistakes() {
        assertThat(problems(score("    scorer: tensorflow\n" + THREE_TIERS))).containsExactly(
                "pibl.yaml:8: balancing.score.scorer: tensorflow (expected: builtin or http)");
        assertThat(problems(score("    scorer: http\n" + THREE_TIERS))).containsExactly(
                "pibl.yaml:7: balancing.score.http: missing (expected: the service to ask, at least http.url)");
        assertThat(problems(score("    scorer: http\n    http: { url: \"https://scorer:5000/\", timeout: 1m }\n"
                + THREE_TIERS))).containsExactly(
                "pibl.yaml:9: balancing.score.http.url: https://scorer:5000/"
                        + " (expected: an http URL such as http://127.0.0.1:5000/score_ip)",
                "pibl.yaml:9: balancing.score.http.timeout: 1m"
                        + " (expected: a duration from 1ms to 10s: requests wait this long for a score)");
        assertThat(problems(score("    model: a.json\n    http: { url: \"http://s:1/\" }\n" + THREE_TIERS)))
                .containsExactly("pibl.yaml:9: balancing.score.http: {url: http://s:1/}"
                        + " (expected: no http section: the builtin scorer does not call a service (scorer: http does))");
    }

    @Test
    void numbersAndClients() {
        assertThat(problems(score("    hysteresis: 0.6\n    refresh-requests: 0\n"
                + "    clients: { ipv6-prefix: 200, header: x-real-ip }\n" + THREE_TIERS))).containsExactly(
                "pibl.yaml:8: balancing.score.hysteresis: 0.6 (expected: a number from 0 to 0.49)",
                "pibl.yaml:9: balancing.score.refresh-requests: 0 (expected: an integer from 1 to 1000000)",
                "pibl.yaml:10: balancing.score.clients.ipv6-prefix: 200 (expected: an integer from 16 to 128)",
                "pibl.yaml:10: balancing.score.clients.header: x-real-ip (expected: x-forwarded-for or forwarded)");
    }
}
