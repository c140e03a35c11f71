package dev.pibl.scoring;

/**
 * The scoring state of one client (its score, tier, when it was scored), held by its
 * {@link ClientActivity}. Guarded by that activity's lock.
 */
public final class ClientScore {
}
