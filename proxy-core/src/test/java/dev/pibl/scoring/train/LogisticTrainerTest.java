package dev.pibl.scoring.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.scoring.Features;
import dev.pibl.scoring.LogisticModel;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The trainer reaches the optimum of the regularised, class-weighted log-loss. The loss here is
 * written out again from the model file's numbers, so the check does not lean on the trainer's
 * own arithmetic (or on {@code LogisticModel.score}).
 */
class LogisticTrainerTest {

    private static final List<String> THREE = List.of("rate_1s", "not_found_ratio", "gap_cv");
    private static final double LAMBDA = 0.01;

    @Test
    void theFitIsWhereTheGradientVanishesAndAnyNudgeCostsLoss() throws Exception {
        TrainingSet set = TrainSamples.clouds(30, 10, 20, 1);

        LogisticTrainer.Fit fit = new LogisticTrainer(THREE, LAMBDA).fit(set, "t", "test");

        assertThat(fit.converged()).isTrue();
        assertThat(fit.iterations()).isLessThan(15);
        Params best = Params.of(fit.model());
        double loss = loss(set, best);
        assertThat(loss).isCloseTo(fit.loss(), org.assertj.core.data.Offset.offset(1e-12));
        double h = 1e-5;
        for (int k = 0; k <= THREE.size(); k++) {
            double slope = (loss(set, best.nudged(k, h)) - loss(set, best.nudged(k, -h))) / (2 * h);
            assertThat(Math.abs(slope)).as("d loss / d parameter %d", k).isLessThan(1e-7);
        }
        Random random = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            Params nudged = best;
            for (int k = 0; k <= THREE.size(); k++) {
                nudged = nudged.nudged(k, 0.02 * random.nextGaussian());
            }
            assertThat(loss(set, nudged)).isGreaterThan(loss);
        }
    }

    @Test
    void theWeightsPointTheWayTheCloudsDiffer() {
        LogisticTrainer.Fit fit = new LogisticTrainer(THREE, LAMBDA).fit(TrainSamples.clouds(30, 10, 20, 2), "t", "");

        double[] w = fit.weights();
        assertThat(w[0]).as("rate_1s").isPositive();
        assertThat(w[1]).as("not_found_ratio").isPositive();
        assertThat(w[2]).as("gap_cv").isNegative();
        assertThat(fit.model().transforms()).containsExactly("log1p", "none", "none");
    }

    @Test
    void aFeatureConstantInTrainingGetsScaleOneAndWeightZero() throws Exception {
        // All 17 features, of which only three vary: the other fourteen are 0 throughout.
        LogisticTrainer.Fit fit = new LogisticTrainer(Features.NAMES, LAMBDA).fit(TrainSamples.clouds(20, 10, 5, 4), "t", "");

        assertThat(fit.converged()).isTrue();
        assertThat(fit.constantFeatures()).hasSize(14).contains("ua_rare", "connections").doesNotContain("gap_cv");
        Params params = Params.of(fit.model());
        int uaRare = fit.model().features().indexOf("ua_rare");
        assertThat(params.scale[uaRare]).isEqualTo(1);
        assertThat(params.weights[uaRare]).isZero();
        assertThat(fit.toText()).contains("(constant in training)").contains("bias");
    }

    @Test
    void aLargerLambdaShrinksTheWeights() {
        TrainingSet set = TrainSamples.clouds(30, 10, 20, 5);

        double light = norm(new LogisticTrainer(THREE, 1e-4).fit(set, "t", "").weights());
        double heavy = norm(new LogisticTrainer(THREE, 1.0).fit(set, "t", "").weights());

        assertThat(heavy).isLessThan(light / 2);
    }

    @Test
    void perfectlySeparableClassesStillGiveFiniteConvergedWeights() {
        TrainingSet set = TrainingSet.of(List.of(
                TrainSamples.sample("a", false, Map.of("gap_cv", 0.0)), TrainSamples.sample("b", false, Map.of("gap_cv", 1.0)),
                TrainSamples.sample("c", true, Map.of("gap_cv", 2.0)), TrainSamples.sample("d", true, Map.of("gap_cv", 3.0))));

        LogisticTrainer.Fit fit = new LogisticTrainer(List.of("gap_cv"), LogisticTrainer.DEFAULT_LAMBDA).fit(set, "t", "");

        assertThat(fit.converged()).isTrue();
        assertThat(fit.weights()[0]).isPositive().isFinite();
        assertThat(fit.model().score(TrainSamples.sample("x", true, Map.of("gap_cv", 3.0)).features())).isGreaterThan(0.99);
    }

    @Test
    void refusesATrainingPartWithOneClassAndBadOptions() {
        TrainingSet benignOnly = TrainingSet.of(List.of(TrainSamples.sample("a", false, Map.of("gap_cv", 1.0))));

        assertThatThrownBy(() -> new LogisticTrainer(THREE, LAMBDA).fit(benignOnly, "t", ""))
                .hasMessage("labels: no abusive vectors (expected: both classes)");
        assertThatThrownBy(() -> new LogisticTrainer(List.of("rate_2s"), LAMBDA)).hasMessageStartingWith("features: rate_2s (expected: one of rate_1s");
        assertThatThrownBy(() -> new LogisticTrainer(List.of("gap_cv", "gap_cv"), LAMBDA)).hasMessageContaining("twice");
        assertThatThrownBy(() -> new LogisticTrainer(THREE, -1)).hasMessageStartingWith("lambda: -1.0");
    }

    /** The model's numbers, read from its file form. */
    private record Params(double[] mean, double[] scale, double[] weights, double bias, boolean[] log1p, int[] index) {

        static Params of(LogisticModel model) throws Exception {
            JsonNode json = new ObjectMapper().readTree(model.toJson());
            int m = json.get("features").size();
            double[][] arrays = new double[3][m];
            String[] keys = {"mean", "scale", "weights"};
            boolean[] log1p = new boolean[m];
            int[] index = new int[m];
            for (int j = 0; j < m; j++) {
                for (int a = 0; a < 3; a++) {
                    arrays[a][j] = json.get(keys[a]).get(j).doubleValue();
                }
                log1p[j] = json.get("transform").get(j).textValue().equals("log1p");
                index[j] = Features.indexOf(json.get("features").get(j).textValue());
            }
            return new Params(arrays[0], arrays[1], arrays[2], json.get("bias").doubleValue(), log1p, index);
        }

        /** Parameter k (a weight, or the bias when k is the number of features) moved by delta. */
        Params nudged(int k, double delta) {
            double[] w = weights.clone();
            if (k == w.length) {
                return new Params(mean, scale, w, bias + delta, log1p, index);
            }
            w[k] += delta;
            return new Params(mean, scale, w, bias, log1p, index);
        }
    }

    /** Half the benign vectors' mean log-loss, half the abusive ones', plus (lambda/2)|w|². */
    private static double loss(TrainingSet set, Params p) {
        double[] sum = new double[2];
        int[] count = new int[2];
        for (TrainingSet.Sample s : set.samples()) {
            double z = p.bias();
            for (int j = 0; j < p.weights().length; j++) {
                double x = s.feature(p.index()[j]);
                x = p.log1p()[j] ? Math.log(1 + x) : x;
                z += p.weights()[j] * (x - p.mean()[j]) / p.scale()[j];
            }
            double prob = 1 / (1 + Math.exp(-z));
            int c = s.abusive() ? 1 : 0;
            sum[c] += -Math.log(s.abusive() ? prob : 1 - prob);
            count[c]++;
        }
        double squares = 0;
        for (double w : p.weights()) {
            squares += w * w;
        }
        return 0.5 * sum[0] / count[0] + 0.5 * sum[1] / count[1] + LAMBDA / 2 * squares;
    }

    private static double norm(double[] w) {
        double squares = 0;
        for (double x : w) {
            squares += x * x;
        }
        return Math.sqrt(squares);
    }
}
