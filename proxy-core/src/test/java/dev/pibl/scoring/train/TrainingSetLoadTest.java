package dev.pibl.scoring.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pibl.scoring.Features;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TrainingSet#load}: joining PIBL's feature export with the simulator's labels. */
class TrainingSetLoadTest {

    @TempDir
    Path dir;

    /** A features line as PIBL writes it, every feature 0 except rate_1s. */
    static String line(String key, double rate) {
        StringBuilder features = new StringBuilder();
        for (String name : Features.NAMES) {
            features.append(features.length() == 0 ? "" : ",").append('"').append(name).append("\":")
                    .append(name.equals("rate_1s") ? rate : 0.0);
        }
        return "{\"time\":\"2026-11-22T19:00:00.123Z\",\"key\":\"" + key + "\",\"ip\":\"" + key + "\",\"requests\":57,"
                + "\"features\":{" + features + "},\"score\":0.12,\"tier\":\"trusted\",\"model\":\"behaviour-handset-1\"}";
    }

    private Path labels() throws IOException {
        return write("labels.jsonl", """
                {"key":"10.0.0.1","ip":"10.0.0.1","kind":"browser","label":"benign"}
                {"key":"10.0.0.2","ip":"10.0.0.2","kind":"flooder","label":"abusive"}
                {"key":"10.0.0.3","ip":"10.0.0.3","kind":"scanner","label":"abusive"}
                """);
    }

    @Test
    void joinsVectorsWithLabelsOnTheKeyAndDropsTheUnlabelled() throws IOException {
        Path features = write("features.jsonl", String.join("\n",
                line("10.0.0.1", 1.5), line("10.0.0.2", 300), line("10.0.0.2", 310), line("10.9.9.9", 2), line("10.9.9.9", 3), ""));

        TrainingSet set = TrainingSet.load(List.of(features), labels());

        assertThat(set.samples()).extracting(TrainingSet.Sample::key).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.2");
        assertThat(set.samples()).extracting(TrainingSet.Sample::kind).containsExactly("browser", "flooder", "flooder");
        assertThat(set.samples().get(1).feature(Features.RATE_1S)).isEqualTo(300);
        assertThat(set.vectors(true)).isEqualTo(2);
        assertThat(set.clients(true)).isEqualTo(1);
        assertThat(set.clients(false)).isEqualTo(1);
        TrainingSet.LoadReport report = set.report();
        assertThat(report.featureLines()).isEqualTo(5);
        assertThat(report.skippedLines()).isZero();
        assertThat(report.unlabelledVectors()).isEqualTo(2);
        assertThat(report.unlabelledClients()).isEqualTo(1);
        assertThat(report.labelledClients()).isEqualTo(3);
        assertThat(report.clientsWithoutVectors()).isEqualTo(1);
    }

    @Test
    void badLinesAreCountedAndSkippedWithTheirPlaceNamed() throws IOException {
        Path features = write("features.jsonl", String.join("\n",
                "not json",
                "[1, 2]",
                "{\"features\":{}}",
                line("10.0.0.1", 1).replace("\"features\":{", "\"nope\":{"),
                line("10.0.0.1", 1).replace("\"ua_rare\":0.0", "\"ua_rare\":\"high\""),
                line("10.0.0.1", 1).replace(",\"ua_rare\":0.0", ""),
                line("10.0.0.1", 1).replace("\"score\":0.12,\"tier\":\"trusted\"", "\"score\":null,\"tier\":null,\"extra\":[1]"),
                line("10.0.0.1", 1).substring(0, 40)));

        TrainingSet set = TrainingSet.load(List.of(features), labels());

        assertThat(set.samples()).hasSize(1);
        assertThat(set.report().skippedLines()).isEqualTo(7);
        assertThat(set.report().problems()).containsExactly(
                features + ":1: not valid JSON",
                features + ":2: [1,2] (expected: a JSON object)",
                features + ":3: key: missing (expected: the client key, a non-empty string)",
                features + ":4: features: missing (expected: an object with the 17 feature values)",
                features + ":5: features.ua_rare: \"high\" (expected: a finite number)");
    }

    @Test
    void badAndContradictoryLabelsAreSkipped() throws IOException {
        Path labels = write("labels.jsonl", """
                {"key":"10.0.0.1","label":"benign"}
                {"key":"10.0.0.1","label":"abusive"}
                {"key":"10.0.0.2","label":"evil"}

                {"label":"benign"}
                """);

        TrainingSet set = TrainingSet.load(List.of(write("f.jsonl", line("10.0.0.1", 1))), labels);

        assertThat(set.samples()).singleElement().extracting(TrainingSet.Sample::abusive).isEqualTo(false);
        assertThat(set.report().labelLines()).isEqualTo(4);
        assertThat(set.report().skippedLabelLines()).isEqualTo(3);
        assertThat(set.report().problems()).containsExactly(
                labels + ":2: key 10.0.0.1: label abusive, but line 1 said benign (kept that one)",
                labels + ":3: label: \"evil\" (expected: benign or abusive)",
                labels + ":5: key: missing (expected: the client key, a non-empty string)");
    }

    @Test
    void readsRotatedPartsGzippedOrNotWhateverTheirNames() throws IOException {
        Path plain = write("features.jsonl", line("10.0.0.1", 1) + "\n");
        Path gzipped = dir.resolve("features.jsonl.1.gz");
        Path gzippedUnnamed = dir.resolve("features.jsonl.2");
        gzip(gzipped, line("10.0.0.2", 2) + "\n" + line("10.0.0.3", 3) + "\n");
        gzip(gzippedUnnamed, line("10.0.0.2", 4) + "\n");

        TrainingSet set = TrainingSet.load(List.of(gzipped, gzippedUnnamed, plain), labels());

        assertThat(set.samples()).extracting(s -> s.feature(Features.RATE_1S)).containsExactly(2.0, 3.0, 4.0, 1.0);
        assertThat(set.report().skippedLines()).isZero();
    }

    @Test
    void aFileThatCannotBeReadIsAnErrorNamingIt() throws IOException {
        Path missing = dir.resolve("missing.jsonl");
        Path labels = labels();

        assertThatThrownBy(() -> TrainingSet.load(List.of(missing), labels))
                .isInstanceOf(IOException.class).hasMessage(missing + ": cannot read: no such file");
        assertThatThrownBy(() -> TrainingSet.load(List.of(), missing)).hasMessage(missing + ": cannot read: no such file");
        assertThatThrownBy(() -> TrainingSet.load(List.of(dir), labels)).hasMessage(dir + ": cannot read: a directory (expected: a file)");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
