package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import dev.pibl.scoring.LogisticModel.Contribution;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogisticModelTest {

    /** rate_1s through log1p, standardised as is; not_found_ratio around 0.1 with a spread of 0.2. */
    private static final LogisticModel TWO = LogisticModel.of("two", null,
            List.of("rate_1s", "not_found_ratio"), List.of("log1p", "none"),
            new double[] {0, 0.1}, new double[] {1, 0.2}, new double[] {2, 1}, -3);

    @Test
    void scoresHandComputedVectors() {
        // rate_1s e-1: log1p = 1, 2 * (1 - 0) / 1 = 2; not_found 0.3: 1 * (0.3 - 0.1) / 0.2 = 1.
        // z = -3 + 2 + 1 = 0, sigmoid(0) = 0.5.
        assertThat(TWO.score(vector(Math.E - 1, 0.3))).isCloseTo(0.5, within(1e-12));
        // rate_1s 0: 2 * 0 = 0; not_found 0.5: 1 * 0.4 / 0.2 = 2. z = -1, 1 / (1 + e) = 0.2689414213699951.
        assertThat(TWO.score(vector(0, 0.5))).isCloseTo(0.2689414213699951, within(1e-12));
        // rate_1s 3: log1p = ln 4, 2 ln 4 = ln 16; not_found 0.1: 0. z = ln 16 - 3,
        // sigmoid = 16 / (16 + e^3) = 16 / 36.0855369... = 0.44339...
        double e3 = Math.exp(3);
        assertThat(TWO.score(vector(3, 0.1))).isCloseTo(16 / (16 + e3), within(1e-12));
    }

    @Test
    void featuresTheModelDoesNotListDoNotCount() {
        double[] v = vector(0, 0.5);
        v[Features.UA_MISSING] = 1;
        v[Features.RATE_60S] = 1000;
        assertThat(TWO.score(v)).isEqualTo(TWO.score(vector(0, 0.5)));
    }

    @Test
    void sigmoidSaturatesWithoutNaN() {
        assertThat(constant(1000).score(new double[Features.COUNT])).isEqualTo(1.0);
        assertThat(constant(-1000).score(new double[Features.COUNT])).isEqualTo(0.0);
        assertThat(LogisticModel.sigmoid(Double.MAX_VALUE)).isEqualTo(1.0);
        assertThat(LogisticModel.sigmoid(-Double.MAX_VALUE)).isEqualTo(0.0);
        assertThat(LogisticModel.sigmoid(-40)).isPositive(); // exp(z) / (1 + exp(z)), not 1 - something
    }

    @Test
    void brokenFeatureValuesStillGiveAScore() {
        LogisticModel model = LogisticModel.of("raw", null, List.of("rate_1s", "rate_10s", "gap_mean"), null,
                new double[] {0, 0, 0}, new double[] {1, 1, 1}, new double[] {1, -1, 0}, 0);
        double[] v = new double[Features.COUNT];
        v[Features.RATE_1S] = Double.POSITIVE_INFINITY;
        v[Features.RATE_10S] = Double.POSITIVE_INFINITY; // +inf and -inf terms must not sum to NaN
        v[Features.GAP_MEAN] = Double.POSITIVE_INFINITY; // a zero weight times infinity counts as nothing
        assertThat(model.score(v)).isBetween(0.0, 1.0);
        v[Features.RATE_1S] = Double.NaN;
        assertThat(model.score(v)).isZero();
        // log1p of a value below -1 would be NaN: values below 0 count as 0.
        assertThat(TWO.score(vector(-5, 0.1))).isEqualTo(TWO.score(vector(0, 0.1)));
    }

    @Test
    void explainPutsWhatPushedTheScoreUpFirst() {
        LogisticModel model = LogisticModel.of("three", null, List.of("rate_1s", "ua_missing", "cache_hit_ratio"), null,
                new double[] {0, 0, 0}, new double[] {1, 1, 1}, new double[] {1, 3, -2}, 0);
        double[] v = new double[Features.COUNT];
        v[Features.RATE_1S] = 2;
        v[Features.UA_MISSING] = 1;
        v[Features.CACHE_HIT_RATIO] = 0.5;

        assertThat(model.explain(v, 5)).containsExactly(
                new Contribution("ua_missing", 1, 3),
                new Contribution("rate_1s", 2, 2),
                new Contribution("cache_hit_ratio", 0.5, -1));
        assertThat(model.explain(v, 1)).containsExactly(new Contribution("ua_missing", 1, 3));
        assertThat(model.explain(v, 0)).isEmpty();
    }

    @Test
    void explainGivesTheValueBeforeTheTransform() {
        List<Contribution> why = TWO.explain(vector(Math.E - 1, 0.3), 2);

        assertThat(why.get(0).feature()).isEqualTo("rate_1s");
        assertThat(why.get(0).value()).isEqualTo(Math.E - 1);
        assertThat(why.get(0).contribution()).isCloseTo(2, within(1e-12));
        assertThat(why.get(1).contribution()).isCloseTo(1, within(1e-12));
    }

    @Test
    void rejectsVectorsOfTheWrongLengthAndNegativeTop() {
        assertThatIllegalArgumentException().isThrownBy(() -> TWO.score(new double[2]))
                .withMessage("features: 2 values (expected: 17)");
        assertThatIllegalArgumentException().isThrownBy(() -> TWO.explain(new double[Features.COUNT], -1))
                .withMessage("top: -1 (expected: 0 or more)");
    }

    @Test
    void ofValidatesAsAFileIs() {
        double[] one = {1};
        List<String> rate = List.of("rate_1s");
        assertThatIllegalArgumentException().isThrownBy(() -> LogisticModel.of("", null, rate, null, one, one, one, 0))
                .withMessage("version: \"\" (expected: 1 to 100 characters, none of them control characters)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LogisticModel.of("v", null, rate, null, one, new double[] {0}, one, 0))
                .withMessage("scale[0]: 0 (expected: a finite number greater than 0)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LogisticModel.of("v", null, rate, null, one, one, new double[] {Double.NaN}, 0))
                .withMessage("weights[0]: NaN (expected: a finite number)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LogisticModel.of("v", null, rate, List.of("none", "none"), one, one, one, 0))
                .withMessage("transform: 2 values (expected: 1, one per feature)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LogisticModel.of("v", null, rate, null, one, one, one, Double.POSITIVE_INFINITY))
                .withMessage("bias: Infinity (expected: a finite number)");
    }

    @Test
    void ofCopiesWhatItIsGiven() {
        double[] weights = {1};
        LogisticModel model = LogisticModel.of("v", "", List.of("rate_1s"), null, new double[] {0}, new double[] {1},
                weights, 0);
        double before = model.score(new double[Features.COUNT]);
        weights[0] = 100;
        assertThat(model.score(new double[Features.COUNT])).isEqualTo(before);
        assertThat(model.transforms()).containsExactly("none");
        assertThat(model.description()).isEmpty();
    }

    private static LogisticModel constant(double bias) {
        return LogisticModel.of("constant", null, List.of("rate_1s"), null,
                new double[] {0}, new double[] {1}, new double[] {0}, bias);
    }

    private static double[] vector(double rate1s, double notFoundRatio) {
        double[] v = new double[Features.COUNT];
        v[Features.RATE_1S] = rate1s;
        v[Features.NOT_FOUND_RATIO] = notFoundRatio;
        return v;
    }
}
