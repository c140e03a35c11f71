package dev.pibl.scoring.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link TrainingSet#split}: by client, stratified by label, the same for the same seed. */
class TrainingSetSplitTest {

    /** 20 benign clients of 3 vectors each and 8 abusive ones of 5, interleaved. */
    private static List<TrainingSet.Sample> samples() {
        List<TrainingSet.Sample> samples = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int c = 0; c < 20; c++) {
                if (round < 3) {
                    samples.add(TrainSamples.sample("b" + c, false, Map.of("rate_1s", (double) round)));
                }
            }
            for (int c = 0; c < 8; c++) {
                samples.add(TrainSamples.sample("a" + c, true, Map.of("rate_1s", (double) round)));
            }
        }
        return samples;
    }

    @Test
    void noClientHasVectorsInBothParts() {
        TrainingSet.Split split = TrainingSet.of(samples()).split(0.25, 1);

        Set<String> training = keys(split.training());
        Set<String> heldOut = keys(split.heldOut());
        assertThat(training).doesNotContainAnyElementsOf(heldOut);
        assertThat(split.training().samples().size() + split.heldOut().samples().size()).isEqualTo(100);
    }

    @Test
    void eachLabelIsHeldOutInProportion() {
        TrainingSet.Split split = TrainingSet.of(samples()).split(0.25, 1);

        assertThat(split.heldOut().clients(false)).isEqualTo(5);
        assertThat(split.heldOut().clients(true)).isEqualTo(2);
        assertThat(split.heldOut().vectors(true)).isEqualTo(10);
        assertThat(split.training().clients(false)).isEqualTo(15);
        assertThat(split.training().clients(true)).isEqualTo(6);
    }

    @Test
    void theSameSeedGivesTheSameSplitWhateverTheOrderOfTheFiles() {
        List<TrainingSet.Sample> shuffled = new ArrayList<>(samples());
        Collections.shuffle(shuffled, new Random(99));

        Set<String> first = keys(TrainingSet.of(samples()).split(0.25, 7).heldOut());
        Set<String> again = keys(TrainingSet.of(shuffled).split(0.25, 7).heldOut());
        Set<String> otherSeed = keys(TrainingSet.of(samples()).split(0.25, 8).heldOut());

        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void smallLabelsKeepAClientOnEachSideOrAllForTraining() {
        assertThat(TrainingSet.heldOutCount(2, 0.01)).isEqualTo(1);
        assertThat(TrainingSet.heldOutCount(2, 0.99)).isEqualTo(1);
        assertThat(TrainingSet.heldOutCount(1, 0.5)).isZero();
        assertThat(TrainingSet.heldOutCount(10, 0)).isZero();
        assertThat(TrainingSet.heldOutCount(10, 0.25)).isEqualTo(3);
    }

    @Test
    void noHoldoutKeepsEverythingForTraining() {
        TrainingSet.Split split = TrainingSet.of(samples()).split(0, 1);

        assertThat(split.heldOut().samples()).isEmpty();
        assertThat(split.training().samples()).hasSize(100);
        assertThatThrownBy(() -> TrainingSet.of(samples()).split(1, 1)).hasMessage("holdout: 1.0 (expected: from 0 to below 1)");
    }

    private static Set<String> keys(TrainingSet set) {
        Set<String> keys = new HashSet<>();
        set.samples().forEach(s -> keys.add(s.key()));
        return keys;
    }
}
