package dev.pibl.scoring;

/**
 * Why a {@link Scorer} has no score for a client. The message is short and says what happened
 * ({@code timeout after 50ms}, {@code circuit open}, {@code status 500}); the kind sorts failures
 * in the counters.
 */
public final class ScorerException extends RuntimeException {

    /** The failures counted apart. */
    public enum Kind {
        /** No answer within the deadline. */
        TIMEOUT,
        /** The scorer is being skipped after repeated failures. */
        CIRCUIT_OPEN,
        /** Too many calls in flight already. */
        OVERLOADED,
        /** Anything else: connection refused, a bad status, an unreadable answer. */
        ERROR
    }

    private final Kind kind;

    public ScorerException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public ScorerException(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
