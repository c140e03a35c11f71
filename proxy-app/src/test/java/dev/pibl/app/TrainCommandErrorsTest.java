package dev.pibl.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pibl train} refuses with exit code 1 and one line saying why, and writes no model. */
class TrainCommandErrorsTest {

    @TempDir
    Path dir;

    private final Cli cli = new Cli();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int train(Path features, Path labels, String... more) {
        String[] args = {"train", "--features", features.toString(), "--labels", labels.toString(),
            "--out", dir.resolve("model.json").toString()};
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return cli.run(all);
    }

    private void assertRefused(int code, String message) {
        assertThat(code).as(out.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("pibl train: " + message);
        assertThat(dir.resolve("model.json")).doesNotExist();
    }

    private Path features(String text) throws Exception {
        return Files.writeString(dir.resolve("features.jsonl"), text);
    }

    @Test
    void missingFiles() throws Exception {
        Path missing = dir.resolve("nope.jsonl");
        Path labels = TrainFiles.labels(dir, 2, 2);

        assertRefused(train(missing, labels), missing + ": cannot read: no such file");
        assertRefused(train(features(""), missing), missing + ": cannot read: no such file");
    }

    @Test
    void noLabelledVectors() throws Exception {
        Path labels = Files.writeString(dir.resolve("labels.jsonl"), TrainFiles.label(50, "browser", "benign"));

        assertRefused(train(features(TrainFiles.vectors(2, 2, 2, 1)), labels),
                "no labelled vectors: 8 lines read, 8 vectors of clients without a label, 1 client labelled"
                        + " (do the labels' keys match the features' keys?)");
    }

    @Test
    void onlyOneClass() throws Exception {
        Path labels = TrainFiles.labels(dir, 4, 0);

        assertRefused(train(features(TrainFiles.vectors(4, 0, 2, 1)), labels),
                "only benign clients have vectors (4): training needs abusive ones too");
    }

    @Test
    void aHeldOutPartWithoutBothClasses() throws Exception {
        // One abusive client: it must train, so none is left to evaluate on.
        Path labels = TrainFiles.labels(dir, 6, 1);

        assertRefused(train(features(TrainFiles.vectors(6, 1, 2, 1)), labels),
                "the held-out part has no abusive clients (1 in all");
        assertThat(err.toString()).contains("--holdout 0");
    }

    @Test
    void badOptionsFailBeforeAnythingIsRead() throws Exception {
        Path features = features(TrainFiles.vectors(4, 4, 2, 1));
        Path labels = TrainFiles.labels(dir, 4, 4);

        assertRefused(train(features, labels, "--holdout", "1"), "--holdout: 1.0 (expected: from 0 to below 1)");
        assertRefused(train(features, labels, "--lambda", "-0.5"), "--lambda: -0.5 (expected: a finite number, 0 or more)");
        assertRefused(train(features, labels, "--threshold", "2"), "--threshold: 2.0 (expected: from 0 to 1)");
        assertRefused(train(features, labels, "--features-used", "rate_1s,rate_2s"), "--features-used: rate_2s (expected: one of rate_1s,");
        assertRefused(train(features, labels, "--version", ""), "--version: \"\" (expected: 1 to 100 characters");
        assertThat(out.toString()).doesNotContain("data");
    }

    @Test
    void anOutputDirectoryThatDoesNotExist() throws Exception {
        Path features = features(TrainFiles.vectors(4, 4, 2, 1));
        Path labels = TrainFiles.labels(dir, 4, 4);
        int code = cli.run("train", "--features", features.toString(), "--labels", labels.toString(),
                "--out", dir.resolve("no/such/dir/model.json").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("pibl train: --out: " + dir.resolve("no/such/dir/model.json")
                + ": the directory " + dir.resolve("no/such/dir") + " does not exist");
    }
}
