package dev.pibl.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.scoring.LogisticModel;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pibl train} end to end on small files: what it prints and the model it writes. */
class TrainCommandTest {

    @TempDir
    Path dir;

    private final Cli cli = new Cli();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void trainsOnRotatedPartsAndPrintsEachSection() throws Exception {
        // 120 vectors: the first 60 in the rotated, compressed part; then 60, a bad line and an unlabelled client.
        String first = TrainFiles.vectors(12, 8, 3, 1);
        String second = TrainFiles.vectors(12, 8, 3, 2);
        Path part1 = TrainFiles.gzip(dir.resolve("features.jsonl.1.gz"), first);
        Path part2 = Files.writeString(dir.resolve("features.jsonl"), second + "not json\n"
                + TrainFiles.vector(99, false, new Random(1)));
        Path labels = TrainFiles.labels(dir, 12, 8);
        Path model = dir.resolve("model.json");

        int code = run("train", "--features", part1.toString(), part2.toString(), "--labels", labels.toString(),
                "--out", model.toString(), "--version", "trained-test", "--threshold", "0.3");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("features:   122 lines in 2 files, 1 skipped")
                .contains("labels:     20 clients labelled, 0 lines skipped, 0 clients without vectors")
                .contains("unlabelled: 1 vector of 1 client, dropped")
                .contains("skipped " + part2 + ":61: not valid JSON")
                .containsPattern("benign +72 +12")
                .containsPattern("abusive +48 +8")
                .contains("split: 25% of each label's clients held out (seed 1)")
                .containsPattern("benign +54 +9 +18 +3")
                .containsPattern("abusive +36 +6 +12 +2")
                .containsPattern("fit: \\d+ Newton iterations?, loss [0-9.]+, gradient norm [0-9.e-]+, converged")
                .containsPattern("rate_1s +log1p +[-0-9.]+ +[-0-9.]+ +[-0-9.]+")
                .contains("(constant in training)")
                .contains("held-out evaluation: 30 vectors of 5 clients")
                .contains("ROC AUC  1.0000", "at threshold 0.5:", "at threshold 0.3:")
                .contains("abusive clients detected  2 of 2 (100.0%)", "benign clients flagged    0 of 3 (0.0%)")
                .contains("wrote model trained-test to " + model.toAbsolutePath());
        LogisticModel written = LogisticModel.load(model);
        assertThat(written.version()).isEqualTo("trained-test");
        assertThat(written.description()).contains("90 vectors of 9 benign and 6 abusive clients", "seed 1", "lambda 0.001");
    }

    @Test
    void featuresUsedAndNoHoldoutTrainOnEverythingWithThoseFeatures() throws Exception {
        Path features = Files.writeString(dir.resolve("f.jsonl"), TrainFiles.vectors(4, 3, 3, 2));
        Path model = dir.resolve("model.json");

        int code = run("train", "--features", features.toString(), "--labels", TrainFiles.labels(dir, 4, 3).toString(),
                "--out", model.toString(), "--holdout", "0", "--features-used", "rate_1s, gap_cv");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("held-out evaluation: none (--holdout 0)").doesNotContain("not_found_ratio");
        assertThat(LogisticModel.load(model).features()).containsExactly("rate_1s", "gap_cv");
        assertThat(LogisticModel.load(model).transforms()).containsExactly("log1p", "none");
        assertThat(LogisticModel.load(model).version()).startsWith("trained-20");
    }

    @Test
    void theSameSeedWritesTheSameModel() throws Exception {
        Path features = Files.writeString(dir.resolve("f.jsonl"), TrainFiles.vectors(12, 8, 4, 3));
        Path labels = TrainFiles.labels(dir, 12, 8);

        for (String name : new String[] {"a.json", "b.json"}) {
            assertThat(run("train", "--features", features.toString(), "--labels", labels.toString(),
                    "--out", dir.resolve(name).toString(), "--version", "v", "--seed", "5")).isZero();
        }

        assertThat(Files.readString(dir.resolve("a.json"))).isEqualTo(Files.readString(dir.resolve("b.json")));
    }
}
