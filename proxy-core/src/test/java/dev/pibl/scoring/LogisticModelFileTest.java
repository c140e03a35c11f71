package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogisticModelFileTest {

    @TempDir
    Path dir;

    /** Doubles whose shortest decimal form is long or unusual, and text that needs escaping. */
    private static final LogisticModel AWKWARD = LogisticModel.of("v-1 \"quoted\" é", "line one\nline two\t\\ \u0001",
            List.of("rate_1s", "gap_cv", "ua_rare"), List.of("log1p", "none", "none"),
            new double[] {0.1 + 0.2, -0.0, 1e-300}, new double[] {Double.MIN_VALUE, 1e300, 1.0 / 3},
            new double[] {-123456.789, Math.PI, 2.0E-7}, -Math.E);

    @Test
    void toJsonThenParseGivesAnEqualModel() throws ModelException {
        String json = AWKWARD.toJson();

        LogisticModel back = LogisticModel.parse(json, "<test>");

        assertThat(back).isEqualTo(AWKWARD).hasSameHashCodeAs(AWKWARD);
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(back.score(vector(7))).isEqualTo(AWKWARD.score(vector(7)));
    }

    @Test
    void toJsonKeepsTheFieldOrderAndLinesUpEachFeaturesColumn() {
        LogisticModel model = LogisticModel.of("behaviour-2026-11-22", "optional free text",
                List.of("rate_1s", "not_found_ratio"), List.of("log1p", "none"),
                new double[] {1.2, 0.05}, new double[] {2.0, 0.1}, new double[] {1.5, 2.0}, -3.0);

        assertThat(model.toJson()).isEqualTo("""
                {
                  "format": "pibl-logistic/1",
                  "version": "behaviour-2026-11-22",
                  "description": "optional free text",
                  "features":  ["rate_1s", "not_found_ratio"],
                  "transform": ["log1p",   "none"],
                  "mean":      [1.2,       0.05],
                  "scale":     [2.0,       0.1],
                  "weights":   [1.5,       2.0],
                  "bias":      -3.0
                }
                """);
    }

    @Test
    void noDescriptionWritesNone() {
        LogisticModel model = LogisticModel.of("v", "", List.of("rate_1s"), null,
                new double[] {0}, new double[] {1}, new double[] {1}, 0);

        assertThat(model.toJson()).doesNotContain("description").contains("\"transform\": [\"none\"]");
    }

    @Test
    void writeReplacesTheFileAtOnceAndLeavesNothingBehind() throws IOException, ModelException {
        Path file = dir.resolve("behaviour.json");
        Files.writeString(file, "the old model");

        AWKWARD.write(file);

        assertThat(LogisticModel.load(file)).isEqualTo(AWKWARD);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        // Readable by the proxy's user, not just the trainer's: not a createTempFile with mode 600.
        assertThat(Files.getPosixFilePermissions(file)).contains(PosixFilePermission.OTHERS_READ);
    }

    @Test
    void writeIntoAMissingDirectoryFailsAndLeavesNothing() {
        Path file = dir.resolve("missing/behaviour.json");

        assertThatThrownBy(() -> AWKWARD.write(file)).isInstanceOf(IOException.class);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void loadNamesTheFileItCannotRead() {
        Path missing = dir.resolve("nope.json");

        assertThatThrownBy(() -> LogisticModel.load(missing))
                .isInstanceOf(ModelException.class)
                .hasMessage(missing + ": cannot read: NoSuchFileException");
        assertThatThrownBy(() -> LogisticModel.load(dir))
                .isInstanceOf(ModelException.class)
                .hasMessage(dir + ": cannot read: IOException: Is a directory");
    }

    @Test
    void loadRefusesAFileOverOneMebibyte() throws IOException {
        Path big = dir.resolve("big.json");
        Files.write(big, (AWKWARD.toJson() + " ".repeat(LogisticModel.MAX_FILE_BYTES)).getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> LogisticModel.load(big))
                .isInstanceOf(ModelException.class)
                .hasMessage(big + ": more than 1048576 bytes (expected: a model file of at most 1 MiB)");
    }

    @Test
    void loadReportsNotJsonWithTheLine() throws IOException {
        Path file = dir.resolve("a.json");
        Files.write(file, new byte[] {'{', '\n', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}'});

        assertThatThrownBy(() -> LogisticModel.load(file))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith(file + ": line 2: not valid JSON (Invalid UTF-8");
    }

    private static double[] vector(double value) {
        double[] v = new double[Features.COUNT];
        Arrays.fill(v, value);
        return v;
    }
}
