package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One bad model file per kind of mistake, each with the exact message it gets. */
class LogisticModelParseTest {

    private static final String VALID = """
            {
              "format": "pibl-logistic/1",
              "version": "v1",
              "features": ["rate_1s", "not_found_ratio"],
              "transform": ["log1p", "none"],
              "mean": [1.2, 0.05],
              "scale": [2.0, 0.1],
              "weights": [1.5, 2.0],
              "bias": -3.0
            }
            """;
    private static final String KEYS = "format, version, description, features, transform, mean, scale, weights, bias";
    private static final String NAMES = "rate_1s, rate_10s, rate_60s, error_4xx_ratio, not_found_ratio, error_5xx_ratio,"
            + " distinct_path_ratio, gap_mean, gap_variance, gap_cv, bytes_in_rate, bytes_out_rate, cache_hit_ratio,"
            + " non_get_ratio, connections, ua_missing, ua_rare";

    static Stream<Arguments> mistakes() {
        return Stream.of(
                bad("", "empty (expected: a JSON object with the keys " + KEYS + ")"),
                bad("[1, 2]", "[1,2] (expected: a JSON object with the keys " + KEYS + ")"),
                bad(VALID.replace("\"pibl-logistic/1\"", "\"x\""), "format: \"x\" (expected: pibl-logistic/1)"),
                bad(VALID.replace("\"format\": \"pibl-logistic/1\",", ""), "format: missing (expected: pibl-logistic/1)"),
                bad(VALID.replace("\"weights\"", "\"wieghts\""), "wieghts: unknown key (expected: one of " + KEYS + ")"),
                bad(VALID.replace("\"bias\": -3.0", "\"description\": \"x\""),
                        "bias: missing (expected: a finite number)"),
                bad(VALID.replace("\"v1\"", "7"), "version: 7 (expected: a string)"),
                bad(VALID.replace("\"v1\"", "\"\""),
                        "version: \"\" (expected: 1 to 100 characters, none of them control characters)"),
                bad(VALID.replace("\"v1\"", "\"" + "v".repeat(101) + "\""),
                        "version: 101 characters (expected: 1 to 100 characters, none of them control characters)"),
                bad(VALID.replace("\"v1\"", "\"v\\n1\""),
                        "version: \"v\\n1\" (expected: 1 to 100 characters, none of them control characters)"),
                bad(VALID.replace("\"bias\"", "\"description\": null, \"bias\""), "description: null (expected: a string)"),
                bad(VALID.replace("[\"rate_1s\", \"not_found_ratio\"]", "\"rate_1s\""),
                        "features: \"rate_1s\" (expected: an array of feature names, each one of " + NAMES + ")"),
                bad(VALID.replace("[\"rate_1s\", \"not_found_ratio\"]", "[]"),
                        "features: [] (expected: at least one of " + NAMES + ")"),
                bad(VALID.replace("\"not_found_ratio\"]", "\"rate_2s\"]"),
                        "features[1]: \"rate_2s\" (expected: one of " + NAMES + ")"),
                bad(VALID.replace("[\"rate_1s\",", "[1,"), "features[0]: 1 (expected: one of " + NAMES + ")"),
                bad(VALID.replace("\"not_found_ratio\"]", "\"rate_1s\"]"),
                        "features[1]: \"rate_1s\" (expected: each feature once, and features[0] is \"rate_1s\")"),
                bad(VALID.replace("\"none\"]", "\"log\"]"), "transform[1]: \"log\" (expected: none or log1p)"),
                bad(VALID.replace("[\"log1p\", \"none\"]", "[\"log1p\"]"),
                        "transform: 1 value (expected: 2, one per feature)"),
                bad(VALID.replace("[1.2, 0.05]", "[\"1.2\", 0.05]"), "mean[0]: \"1.2\" (expected: a finite number)"),
                bad(VALID.replace("[1.2, 0.05]", "[1.2, 1e999]"), "mean[1]: 1E+999 (expected: a finite number)"),
                bad(VALID.replace("[1.2, 0.05]", "null"),
                        "mean: null (expected: an array of finite numbers, one per feature)"),
                bad(VALID.replace("[2.0, 0.1]", "[2.0, 0]"), "scale[1]: 0 (expected: a finite number greater than 0)"),
                bad(VALID.replace("[2.0, 0.1]", "[-0.5, 0.1]"),
                        "scale[0]: -0.5 (expected: a finite number greater than 0)"),
                bad(VALID.replace("[1.5, 2.0]", "[1.5, 2.0, 3]"), "weights: 3 values (expected: 2, one per feature)"),
                bad(VALID.replace("-3.0", "true"), "bias: true (expected: a finite number)"),
                bad(VALID.replace("-3.0", "\"" + "x".repeat(100) + "\""),
                        "bias: \"" + "x".repeat(76) + "... (expected: a finite number)"));
    }

    @ParameterizedTest
    @MethodSource("mistakes")
    void rejectsWithTheFieldTheValueAndWhatWasExpected(String json, String message) {
        assertThatThrownBy(() -> LogisticModel.parse(json, "models/a.json"))
                .isInstanceOf(ModelException.class)
                .hasMessage("models/a.json: " + message);
    }

    static Stream<Arguments> notJson() {
        return Stream.of(
                bad("{\n  \"format\": \"pibl-logistic/1\",\n  \"features\": [,]\n}", "line 3: "),
                bad(VALID.replace("-3.0", "NaN"), "line 9: "),
                bad(VALID.replace("\"bias\"", "\"bias\": 1, \"bias\""), "line 9: "),
                bad(VALID + "x", "line 11: "),
                bad("{\"format\": \"pibl-logistic/1\"", "line 1: "));
    }

    @ParameterizedTest
    @MethodSource("notJson")
    void rejectsWhatIsNotJsonWithItsLine(String json, String line) {
        assertThatThrownBy(() -> LogisticModel.parse(json, "models/a.json"))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("models/a.json: " + line + "not valid JSON (")
                .hasMessageEndingWith(")")
                .hasMessageNotContaining("\n");
    }

    @Test
    void rejectsContentAfterTheObject() {
        assertThatThrownBy(() -> LogisticModel.parse(VALID + "\n{}", "models/a.json"))
                .isInstanceOf(ModelException.class)
                .hasMessage("models/a.json: line 12: not valid JSON (more after the end of the object)");
    }

    @Test
    void acceptsTheValidFileWithoutTransformAndWithAByteOrderMark() throws ModelException {
        LogisticModel model = LogisticModel.parse("\uFEFF" + VALID.replace("\"transform\": [\"log1p\", \"none\"],", ""),
                "models/a.json");

        assertThat(model.version()).isEqualTo("v1");
        assertThat(model.features()).containsExactly("rate_1s", "not_found_ratio");
        assertThat(model.transforms()).containsExactly("none", "none");
        assertThat(model.description()).isEmpty();
    }

    private static Arguments bad(String json, String message) {
        return Arguments.of(json, message);
    }
}
