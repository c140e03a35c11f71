package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class BuiltinScorerTest {

    private static final LogisticModel MODEL = LogisticModel.of("m-7", null, List.of("ua_missing"), null,
            new double[] {0}, new double[] {1}, new double[] {2}, -1);

    @Test
    void namesItselfAfterItsModel() {
        BuiltinScorer scorer = new BuiltinScorer(MODEL);

        assertThat(scorer.kind()).isEqualTo("builtin");
        assertThat(scorer.version()).isEqualTo("m-7");
        assertThat(scorer.model()).isSameAs(MODEL);
    }

    @Test
    void scoreIsCompleteBeforeItReturnsAndRunsNothingOnTheExecutor() {
        double[] features = new double[Features.COUNT];
        features[Features.UA_MISSING] = 1;
        // An executor that fails the test if the scorer hands it anything.
        ScoreRequest request = new ScoreRequest("192.0.2.1", "192.0.2.1", features, command -> {
            throw new AssertionError("the built-in scorer must not use the executor");
        });

        try (BuiltinScorer scorer = new BuiltinScorer(MODEL)) {
            CompletionStage<Double> stage = scorer.score(request);

            assertThat(stage.toCompletableFuture()).isCompletedWithValue(MODEL.score(features));
            // z = -1 + 2 * 1 = 1
            assertThat(stage.toCompletableFuture().join()).isEqualTo(1 / (1 + Math.exp(-1)));
        }
    }
}
