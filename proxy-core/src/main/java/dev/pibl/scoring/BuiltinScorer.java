package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Scores clients with a {@link LogisticModel} in the calling thread: a few dozen multiplications,
 * so the answer is ready before {@link #score} returns. Thread-safe; called on event loops.
 */
public final class BuiltinScorer implements Scorer {

    private final LogisticModel model;

    public BuiltinScorer(LogisticModel model) {
        this.model = requireNonNull(model, "model");
    }

    /** The model the scores come from. */
    public LogisticModel model() {
        return model;
    }

    @Override
    public String kind() {
        return "builtin";
    }

    /** The model's version. */
    @Override
    public String version() {
        return model.version();
    }

    /** A stage already completed with the model's score. */
    @Override
    public CompletionStage<Double> score(ScoreRequest request) {
        requireNonNull(request, "request");
        return CompletableFuture.completedFuture(model.score(request.features()));
    }
}
