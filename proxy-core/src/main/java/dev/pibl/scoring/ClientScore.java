package dev.pibl.scoring;

import java.util.concurrent.CompletableFuture;

/**
 * The scoring state of one client: its score, its tier, when it was scored, what is in flight.
 * Held by its {@link ClientActivity} and guarded by that activity's lock: every read and write
 * happens inside {@code synchronized (activity)}, from whichever event loop the client's request
 * arrived on.
 */
public final class ClientScore {

    /**
     * The service whose scorer and tiers the fields below belong to; a reloaded configuration's
     * service that shares the client tracker takes the client over on its next request.
     */
    Object owner;
    /** The routing scorer's latest score, NaN before the first. */
    double score = Double.NaN;
    /** What produced {@link #score}. */
    String model;
    long scoredAtNanos;
    /** Whether a refresh was ever started. */
    boolean attempted;
    /** When the last refresh started, successful or not: refreshes are paced from it. */
    long attemptAtNanos;
    /** The activity's request count when the last refresh started. */
    long requestsAtAttempt;
    /** The tier the client is in (hysteresis applied), null before its first score. */
    Tier tier;
    long tierChanges;
    /** A routing scorer call is in flight; requests without a usable score wait for it. */
    boolean inFlight;
    /** Completed with the decision for requests waiting for {@link #inFlight}; null when none wait. */
    CompletableFuture<Decision> waiters;

    double shadowScore = Double.NaN;
    String shadowModel;
    boolean shadowInFlight;

    /** The last scorer failure for this client and when, or null. */
    String lastError;
    long lastErrorAtNanos;
    /** The client's address as of its latest request (a key can stand for a whole IPv6 prefix). */
    String lastIp;

    ClientScore() {
    }

    /** A consistent copy, taken under the activity's lock. */
    Snapshot snapshot() {
        return new Snapshot(score, model, scoredAtNanos, tier == null ? null : tier.name(), tierChanges, shadowScore,
                shadowModel, lastError, lastErrorAtNanos, lastIp);
    }

    /**
     * What the admin API shows of a client's score.
     *
     * @param score       NaN before the first score
     * @param tier        null before the first score
     * @param lastError   null when the scorer never failed for this client
     */
    public record Snapshot(double score, String model, long scoredAtNanos, String tier, long tierChanges,
            double shadowScore, String shadowModel, String lastError, long lastErrorAtNanos, String lastIp) {
    }
}
