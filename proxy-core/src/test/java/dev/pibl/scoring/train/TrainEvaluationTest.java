package dev.pibl.scoring.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Evaluation}: AUC with ties, and the vector and client figures at a threshold. */
class TrainEvaluationTest {

    @Test
    void aucCountsEachPairAndATieAsHalf() {
        // 3 abusive x 4 benign = 12 pairs. 0.9 beats all 4; 0.5 ties 0.5 and beats 3 (3.5);
        // 0.3 beats 0.2 and 0.1 and ties 0.3 (2.5). (4 + 3.5 + 2.5) / 12.
        double[] scores = {0.9, 0.5, 0.3, 0.5, 0.2, 0.1, 0.3};
        boolean[] abusive = {true, true, true, false, false, false, false};

        assertThat(Evaluation.auc(scores, abusive)).isCloseTo(10.0 / 12, within(1e-15));
    }

    @Test
    void aucOfTheExtremes() {
        boolean[] abusive = {true, true, false, false};

        assertThat(Evaluation.auc(new double[] {0.9, 0.8, 0.2, 0.1}, abusive)).isEqualTo(1.0);
        assertThat(Evaluation.auc(new double[] {0.1, 0.2, 0.8, 0.9}, abusive)).isEqualTo(0.0);
        assertThat(Evaluation.auc(new double[] {0.4, 0.4, 0.4, 0.4}, abusive)).isEqualTo(0.5);
        assertThat(Evaluation.auc(new double[] {0.4, 0.4}, new boolean[] {true, true})).isNaN();
    }

    @Test
    void vectorAndClientFiguresAtEachThreshold() {
        List<TrainingSet.Sample> samples = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        // Abusive a1 crosses 0.5 once; a2 never does (its best is 0.4).
        add(samples, scores, "a1", true, 0.2, 0.7);
        add(samples, scores, "a2", true, 0.1, 0.4);
        // Benign b1 has one 0.6; b2 and b3 stay low.
        add(samples, scores, "b1", false, 0.6, 0.1);
        add(samples, scores, "b2", false, 0.1, 0.2);
        add(samples, scores, "b3", false, 0.45);

        Evaluation evaluation = Evaluation.of(samples, scores.stream().mapToDouble(Double::doubleValue).toArray(), 0.5, 0.4, 0.5);

        assertThat(evaluation.vectors()).isEqualTo(9);
        assertThat(evaluation.confusions()).extracting(Evaluation.Confusion::threshold).containsExactly(0.5, 0.4);
        Evaluation.Confusion half = evaluation.at(0.5);
        assertThat(List.of(half.truePositives(), half.falseNegatives(), half.falsePositives(), half.trueNegatives()))
                .containsExactly(1L, 3L, 1L, 4L);
        assertThat(half.precision()).isEqualTo(0.5);
        assertThat(half.recall()).isEqualTo(0.25);
        assertThat(half.accuracy()).isEqualTo(5.0 / 9);
        assertThat(half.falsePositiveRate()).isEqualTo(0.2);
        assertThat(half.clientDetectionRate()).isEqualTo(0.5);
        assertThat(half.clientFalsePositiveRate()).isEqualTo(1.0 / 3);
        assertThat(half.kinds()).containsExactly(new Evaluation.KindCount("bot", true, 2, 1),
                new Evaluation.KindCount("human", false, 3, 1));

        Evaluation.Confusion lower = evaluation.at(0.4);
        assertThat(lower.detectedClients()).isEqualTo(2);
        assertThat(lower.flaggedBenignClients()).isEqualTo(2);
    }

    @Test
    void toTextShowsTheMatrixAndTheClientRates() {
        List<TrainingSet.Sample> samples = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        add(samples, scores, "a1", true, 0.9);
        add(samples, scores, "b1", false, 0.1);

        String text = Evaluation.of(samples, new double[] {0.9, 0.1}, 0.5).toText();

        assertThat(text).contains("ROC AUC  1.0000", "at threshold 0.5:", "scored abusive", "abusive vectors",
                "precision 1.0000  recall 1.0000", "abusive clients detected  1 of 1 (100.0%)",
                "benign clients flagged    0 of 1 (0.0%)", "bot (abusive)");
    }

    @Test
    void aRateWithNothingToDivideIsNotANumber() {
        List<TrainingSet.Sample> samples = new ArrayList<>();
        add(samples, new ArrayList<>(), "b1", false, 0.1);

        Evaluation.Confusion c = Evaluation.of(samples, new double[] {0.1}, 0.5).at(0.5);

        assertThat(c.precision()).isNaN();
        assertThat(c.recall()).isNaN();
        assertThatThrownBy(() -> Evaluation.of(samples, new double[] {0.1}, 1.5)).hasMessage("threshold: 1.5 (expected: from 0 to 1)");
    }

    private static void add(List<TrainingSet.Sample> samples, List<Double> scores, String key, boolean abusive, double... values) {
        for (double value : values) {
            samples.add(TrainSamples.sample(key, abusive, Map.of()));
            scores.add(value);
        }
    }
}
