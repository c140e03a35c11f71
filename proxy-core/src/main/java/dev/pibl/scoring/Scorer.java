package dev.pibl.scoring;

import java.util.concurrent.CompletionStage;

/**
 * Gives a client a score in [0, 1]: higher means more likely abusive. Implementations are
 * thread-safe and are called on event loops, so {@link #score} never blocks: a scorer that must
 * wait (a remote service) returns a stage that completes later, possibly on another thread.
 */
public interface Scorer extends AutoCloseable {

    /** The kind of scorer as the configuration names it: {@code builtin} or {@code http}. */
    String kind();

    /**
     * What produces the scores, for the access log and the admin API: the model's version for a
     * model, the service's URL for a remote scorer.
     */
    String version();

    /**
     * The score of one client: a stage completed with a value in [0, 1], or completed
     * exceptionally with a {@link ScorerException} saying why there is none (timeout, service
     * down, circuit open, bad answer). A scorer that needs no waiting returns a completed stage.
     */
    CompletionStage<Double> score(ScoreRequest request);

    /** Releases what the scorer holds (connections, threads). Idempotent. */
    @Override
    default void close() {
    }
}
