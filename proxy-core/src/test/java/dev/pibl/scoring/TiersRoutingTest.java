package dev.pibl.scoring;

import static dev.pibl.scoring.TiersTest.deny;
import static dev.pibl.scoring.TiersTest.route;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Choosing a client's tier: by score alone, then with hysteresis, then spilling over. */
class TiersRoutingTest {

    private static final Tier TRUSTED = route(0, "trusted", 0, 0.5, "suspicious");
    private static final Tier SUSPICIOUS = route(1, "suspicious", 0.5, 0.9, "abusive");
    private static final Tier ABUSIVE = deny(2, "abusive", 0.9, 1);
    private static final Tiers TIERS = new Tiers(List.of(TRUSTED, SUSPICIOUS, ABUSIVE), 0.05);

    @ParameterizedTest
    @CsvSource({
        "0.0,       trusted",
        "0.4999999, trusted",
        "0.5,       suspicious",  // from is inclusive
        "0.8999999, suspicious",  // below is exclusive
        "0.9,       abusive",
        "1.0,       abusive",     // the last tier holds 1.0
        "-0.3,      trusted",     // out of range: clamped
        "7.0,       abusive",
        "NaN,       trusted",
    })
    void naturalIsTheTierWhoseRangeHoldsTheScore(double score, String tier) {
        assertThat(TIERS.natural(score).name()).isEqualTo(tier);
    }

    @Test
    void aNewClientGetsItsNaturalTier() {
        assertThat(TIERS.next(null, 0.52)).isEqualTo(SUSPICIOUS);
        assertThat(TIERS.next(null, 0.95)).isEqualTo(ABUSIVE);
    }

    @Test
    void aClientMovesOnlyOnceItIsAMarginPastTheBoundary() {
        Tier tier = TIERS.next(null, 0.49);
        assertThat(tier).isEqualTo(TRUSTED);

        tier = TIERS.next(tier, 0.52);
        assertThat(tier).as("0.52 is past 0.5 but not 0.55").isEqualTo(TRUSTED);
        tier = TIERS.next(tier, 0.56);
        assertThat(tier).isEqualTo(SUSPICIOUS);

        tier = TIERS.next(tier, 0.47);
        assertThat(tier).as("0.47 is below 0.5 but not below 0.45").isEqualTo(SUSPICIOUS);
        tier = TIERS.next(tier, 0.44);
        assertThat(tier).isEqualTo(TRUSTED);
    }

    @Test
    void jumpsAcrossTiersLandWhereTheScoreLessTheMarginIs() {
        assertThat(TIERS.next(TRUSTED, 0.97)).isEqualTo(ABUSIVE);   // 0.92 is abusive
        assertThat(TIERS.next(TRUSTED, 0.93)).isEqualTo(SUSPICIOUS); // 0.88 is not yet
        assertThat(TIERS.next(ABUSIVE, 0.1)).isEqualTo(TRUSTED);     // 0.15
        assertThat(TIERS.next(ABUSIVE, 0.48)).isEqualTo(SUSPICIOUS); // 0.53: still a margin above trusted
        assertThat(TIERS.next(ABUSIVE, 0.87)).isEqualTo(ABUSIVE);    // within the margin of 0.9
        assertThat(TIERS.next(SUSPICIOUS, 1.0)).isEqualTo(ABUSIVE);
        assertThat(TIERS.next(SUSPICIOUS, 0.0)).isEqualTo(TRUSTED);
    }

    @Test
    void withoutAMarginTheTierFollowsTheScore() {
        Tiers plain = new Tiers(TIERS.all(), 0);

        assertThat(plain.next(TRUSTED, 0.5)).isEqualTo(SUSPICIOUS);
        assertThat(plain.next(SUSPICIOUS, 0.4999)).isEqualTo(TRUSTED);
        assertThat(plain.next(TRUSTED, 0.9)).isEqualTo(ABUSIVE);
    }

    @Test
    void aTierFromOtherTiersCountsAsNone() {
        Tier old = new Tier(1, "suspicious", 0.5, 0.9, TierAction.ROUTE, List.of("node-9"), null, Duration.ZERO);
        Tier beyond = deny(5, "gone", 0.5, 1);

        assertThat(TIERS.next(old, 0.52)).isEqualTo(SUSPICIOUS);
        assertThat(TIERS.next(old, 0.49)).isEqualTo(TRUSTED);
        assertThat(TIERS.next(beyond, 0.2)).isEqualTo(TRUSTED);
    }

    @Test
    void spillTargetsFollowTheNames() {
        assertThat(TIERS.spillTarget(TRUSTED)).isEqualTo(SUSPICIOUS);
        assertThat(TIERS.spillTarget(SUSPICIOUS)).isEqualTo(ABUSIVE);
        assertThat(TIERS.spillTarget(ABUSIVE)).isNull();
    }
}
