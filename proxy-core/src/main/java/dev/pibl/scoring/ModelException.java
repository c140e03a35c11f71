package dev.pibl.scoring;

/**
 * A model file that cannot be used: unreadable, not JSON, or not a valid {@link LogisticModel}.
 * The message names the file, the field, the value and what was expected, for example
 * {@code models/a.json: scale[1]: 0 (expected: a finite number greater than 0)}.
 *
 * <p>Thrown on whichever thread loads the model (the start-up thread, or the executor a reload
 * runs on).
 */
public final class ModelException extends Exception {

    ModelException(String message) {
        super(message);
    }

    ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
