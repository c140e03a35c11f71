package dev.pibl.scoring.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pibl.scoring.LogisticModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Class weighting: on a set with nine benign vectors to one abusive, each class still counts
 * half, so the decision boundary sits where it would on a balanced set.
 *
 * <p>With one feature drawn from N(0, 1) for benign and N(2, 1) for abusive, the log-odds are
 * exactly linear, so logistic regression is the right model. Weighted to equal class shares,
 * its boundary (score 0.5) is the midpoint, 1.0. Unweighted on a 9:1 set it would move to
 * 1 + ln(9) / 2 ≈ 2.10 (the prior's log-odds divided by the slope, 2): most abusive clients
 * would score below 0.5.
 */
class LogisticTrainerClassWeightTest {

    @Test
    void anImbalancedSetKeepsTheBoundaryOfABalancedOne() {
        double imbalanced = boundary(gaussians(4500, 500, 11));
        double balanced = boundary(gaussians(2500, 2500, 12));

        assertThat(balanced).isCloseTo(1.0, within(0.1));
        assertThat(imbalanced).isCloseTo(1.0, within(0.15));
        assertThat(imbalanced).isCloseTo(balanced, within(0.2));
    }

    @Test
    void anAbusiveVectorAtTheAbusiveMeanScoresHighDespiteBeingRare() {
        LogisticModel model = fit(gaussians(4500, 500, 13));

        assertThat(model.score(at(2.0))).isGreaterThan(0.8);
        assertThat(model.score(at(0.0))).isLessThan(0.2);
    }

    /**
     * Weighting by client: one abusive client with 900 vectors near 4 and nine with 10 vectors
     * each near 2 (against 1,000 benign clients of one vector near 0). By vector the prolific
     * client holds 90% of the abusive weight and pulls the boundary up towards its own values,
     * so the other nine's vectors score lower; by client each abusive client counts the same.
     */
    @Test
    void weightingByClientKeepsOneProlificClientFromDrowningTheRest() {
        Random random = new Random(14);
        List<TrainingSet.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            samples.add(TrainSamples.sample("b" + i, false, Map.of("gap_cv", random.nextGaussian())));
        }
        for (int i = 0; i < 900; i++) {
            samples.add(TrainSamples.sample("flood", true, Map.of("gap_cv", 4 + random.nextGaussian())));
        }
        for (int c = 0; c < 9; c++) {
            for (int i = 0; i < 10; i++) {
                samples.add(TrainSamples.sample("quiet" + c, true, Map.of("gap_cv", 2 + random.nextGaussian())));
            }
        }
        TrainingSet set = TrainingSet.of(samples);
        LogisticModel byVector = new LogisticTrainer(List.of("gap_cv"), 0).fit(set, "v", "").model();
        LogisticModel byClient = new LogisticTrainer(List.of("gap_cv"), 0)
                .weighting(LogisticTrainer.Weighting.CLIENT).fit(set, "c", "").model();
        assertThat(byClient.score(at(2.0))).as("a quiet abusive client's typical vector")
                .isGreaterThan(byVector.score(at(2.0)) + 0.1);
    }

    /** Where the score crosses 0.5, by bisection over the feature's value. */
    private static double boundary(TrainingSet set) {
        LogisticModel model = fit(set);
        double low = -5;
        double high = 7;
        assertThat(model.score(at(low))).isLessThan(0.5);
        assertThat(model.score(at(high))).isGreaterThan(0.5);
        for (int i = 0; i < 60; i++) {
            double middle = (low + high) / 2;
            if (model.score(at(middle)) < 0.5) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return (low + high) / 2;
    }

    private static LogisticModel fit(TrainingSet set) {
        // gap_cv has no transform, so the model sees the Gaussian values as drawn.
        return new LogisticTrainer(List.of("gap_cv"), 0).fit(set, "t", "").model();
    }

    private static double[] at(double gapCv) {
        return TrainSamples.sample("x", false, Map.of("gap_cv", gapCv)).features();
    }

    private static TrainingSet gaussians(int benign, int abusive, long seed) {
        Random random = new Random(seed);
        List<TrainingSet.Sample> samples = new ArrayList<>();
        for (int i = 0; i < benign + abusive; i++) {
            boolean isAbusive = i >= benign;
            double value = (isAbusive ? 2 : 0) + random.nextGaussian();
            samples.add(TrainSamples.sample("c" + i, isAbusive, Map.of("gap_cv", value)));
        }
        return TrainingSet.of(samples);
    }
}
