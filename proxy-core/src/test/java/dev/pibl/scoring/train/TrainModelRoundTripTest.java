package dev.pibl.scoring.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.scoring.Features;
import dev.pibl.scoring.LogisticModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained model is an ordinary model file: it loads back and scores exactly as trained. */
class TrainModelRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void theWrittenModelLoadsBackWithTheSameScores() throws Exception {
        TrainingSet set = TrainSamples.clouds(20, 8, 10, 21);
        LogisticModel model = new LogisticTrainer(Features.NAMES, LogisticTrainer.DEFAULT_LAMBDA)
                .fit(set, "trained-test", "trained on 280 vectors").model();
        Path file = dir.resolve("model.json");

        model.write(file);
        LogisticModel loaded = LogisticModel.load(file);
        LogisticModel parsed = LogisticModel.parse(model.toJson(), "<test>");

        assertThat(loaded).isEqualTo(model);
        assertThat(parsed).isEqualTo(model);
        assertThat(loaded.version()).isEqualTo("trained-test");
        assertThat(loaded.description()).isEqualTo("trained on 280 vectors");
        assertThat(loaded.features()).isEqualTo(Features.NAMES);
        for (TrainingSet.Sample sample : set.samples()) {
            assertThat(loaded.score(sample.features())).isEqualTo(model.score(sample.features()));
        }
    }

    @Test
    void theModelSeparatesHeldOutClouds() {
        TrainingSet.Split split = TrainSamples.clouds(40, 16, 10, 22).split(0.25, 1);
        LogisticModel model = new LogisticTrainer(Features.NAMES, LogisticTrainer.DEFAULT_LAMBDA)
                .fit(split.training(), "t", "").model();

        Evaluation evaluation = Evaluation.of(model, split.heldOut(), 0.5);

        assertThat(evaluation.auc()).isGreaterThan(0.9);
        assertThat(evaluation.at(0.5).clientDetectionRate()).isEqualTo(1.0);
    }
}
