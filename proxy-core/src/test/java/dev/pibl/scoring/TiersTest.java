package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What makes a set of tiers valid; {@link TiersRoutingTest} covers choosing among them. */
class TiersTest {

    @Test
    void acceptsContiguousTiersFromZeroToOne() {
        Tiers tiers = new Tiers(List.of(route(0, "trusted", 0, 0.5, null), route(1, "suspicious", 0.5, 0.9, "abusive"),
                deny(2, "abusive", 0.9, 1)), 0.05);

        assertThat(tiers.all()).extracting(Tier::name).containsExactly("trusted", "suspicious", "abusive");
        assertThat(tiers.margin()).isEqualTo(0.05);
        assertThat(tiers.byName("suspicious").index()).isEqualTo(1);
        assertThat(tiers.byName("nope")).isNull();
        assertThat(new Tiers(List.of(deny(0, "all", 0, 1)), 0).all()).hasSize(1);
    }

    @Test
    void rejectsBrokenSets() {
        rejects(List.of(), 0, "tiers: [] (expected: at least one tier)");
        rejects(List.of(route(0, "a", 0, 1, null)), 0.5, "margin: 0.5 (expected: from 0 to less than 0.5)");
        rejects(List.of(route(0, "a", 0, 1, null)), -0.1, "margin: -0.1 (expected: from 0 to less than 0.5)");
        rejects(List.of(route(0, "a", 0, 1, null)), Double.NaN, "margin: NaN (expected: from 0 to less than 0.5)");
        rejects(List.of(route(0, "a", 0, 0.5, null), route(2, "b", 0.5, 1, null)), 0,
                "tiers[1].index: 2 (expected: 1, its position)");
        rejects(List.of(route(0, "a", 0, 0.5, null), route(1, "a", 0.5, 1, null)), 0,
                "tiers[1].name: \"a\" (expected: a name no other tier has, and tiers[0] has it)");
        rejects(List.of(route(0, "a", 0.1, 1, null)), 0, "tiers[0].from: 0.1 (expected: 0.0, the lowest score)");
        rejects(List.of(route(0, "a", 0, 0.5, null), route(1, "b", 0.6, 1, null)), 0,
                "tiers[1].from: 0.6 (expected: 0.5, where tiers[0] ends: no gap, no overlap)");
        rejects(List.of(route(0, "a", 0, 0.5, null), route(1, "b", 0.4, 1, null)), 0,
                "tiers[1].from: 0.4 (expected: 0.5, where tiers[0] ends: no gap, no overlap)");
        rejects(List.of(route(0, "a", 0, 0.5, null), route(1, "b", 0.5, 0.9, null)), 0,
                "tiers[1].below: 0.9 (expected: 1.0, the highest score, in the last tier)");
    }

    @Test
    void rejectsSpillsToNowhereAndInCircles() {
        rejects(List.of(route(0, "a", 0, 0.5, "c"), deny(1, "b", 0.5, 1)), 0,
                "tiers[0].spillTo: \"c\" (expected: the name of another tier, one of b)");
        rejects(List.of(route(0, "a", 0, 0.5, "a"), deny(1, "b", 0.5, 1)), 0,
                "tiers[0].spillTo: \"a\" (expected: the name of another tier, one of b)");
        rejects(List.of(route(0, "a", 0, 0.3, "b"), route(1, "b", 0.3, 0.6, "c"), route(2, "c", 0.6, 1, "a")), 0,
                "tiers[0].spillTo: \"b\" (expected: a tier that does not spill back, but a is reached twice)");
    }

    @Test
    void eachTierChecksItsOwnRangeAndAction() {
        assertThatIllegalArgumentException().isThrownBy(() -> route(0, "a", 0.5, 0.5, null))
                .withMessage("tiers[0] \"a\": [0.5, 0.5) (expected: a score range with 0 <= from < below <= 1)");
        assertThatIllegalArgumentException().isThrownBy(() -> route(0, "a", 0, 1.5, null))
                .withMessage("tiers[0] \"a\": [0.0, 1.5) (expected: a score range with 0 <= from < below <= 1)");
        assertThatIllegalArgumentException().isThrownBy(() -> route(0, " ", 0, 1, null))
                .withMessage("tiers[0].name: \" \" (expected: a name that is not blank)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Tier(0, "a", 0, 1, TierAction.ROUTE, List.of(), null, Duration.ZERO))
                .withMessage("tiers[0].pool: [] (expected: at least one backend for action route)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Tier(1, "a", 0, 1, TierAction.DENY, List.of("node-1"), null, Duration.ZERO))
                .withMessage("tiers[1].pool: [node-1] (expected: none for action deny, which proxies nothing)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Tier(1, "a", 0, 1, TierAction.CACHE_ONLY, List.of(), "b", Duration.ZERO))
                .withMessage("tiers[1].spillTo: \"b\" (expected: none for action cache-only, which has no backends to run out of)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Tier(0, "a", 0, 1, TierAction.DENY, List.of(), null, Duration.ofSeconds(-1)))
                .withMessage("tiers[0].retryAfter: PT-1S (expected: zero or more)");
    }

    @Test
    void actionsHaveTheirYamlNames() {
        assertThat(TierAction.values()).extracting(TierAction::yamlName).containsExactly("route", "deny", "cache-only");
    }

    private static void rejects(List<Tier> tiers, double margin, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> new Tiers(tiers, margin)).withMessage(message);
    }

    static Tier route(int index, String name, double from, double below, String spillTo) {
        return new Tier(index, name, from, below, TierAction.ROUTE, List.of("node-" + index), spillTo, Duration.ZERO);
    }

    static Tier deny(int index, String name, double from, double below) {
        return new Tier(index, name, from, below, TierAction.DENY, List.of(), null, Duration.ofSeconds(30));
    }
}
