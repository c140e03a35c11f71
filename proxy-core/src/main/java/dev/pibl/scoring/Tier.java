package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * One routing tier: the clients whose score falls in {@code [from, below)} and what is done with
 * their requests. The last tier of a {@link Tiers} ends at 1.0 and holds 1.0 as well. Immutable
 * and thread-safe; built from the configuration and read on event loops.
 *
 * @param index      the tier's position in its {@link Tiers}, from 0, lowest scores first
 * @param name       the tier's name, for the configuration, the access log and the metrics
 * @param from       the lowest score of the tier, inclusive
 * @param below      the score where the next tier starts (exclusive), 1.0 for the last tier
 * @param action     what is done with the requests
 * @param pool       the names of the backends a {@link TierAction#ROUTE} tier proxies to; empty
 *                   for the other actions
 * @param spillTo    the name of the tier whose action applies when no backend of {@code pool} is
 *                   available, or {@code null} to answer as if there were no backend (503); only
 *                   for {@link TierAction#ROUTE} tiers
 * @param retryAfter the {@code Retry-After} of a {@link TierAction#DENY} or
 *                   {@link TierAction#CACHE_ONLY} refusal, zero or more
 */
public record Tier(int index, String name, double from, double below, TierAction action, List<String> pool,
        String spillTo, Duration retryAfter) {

    public Tier {
        requireNonNull(name, "name");
        requireNonNull(action, "action");
        requireNonNull(pool, "pool");
        requireNonNull(retryAfter, "retryAfter");
        pool = List.copyOf(pool);
        String field = "tiers[" + index + "]";
        if (index < 0) {
            throw new IllegalArgumentException(field + ".index: " + index + " (expected: 0 or more)");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException(field + ".name: \"" + name + "\" (expected: a name that is not blank)");
        }
        if (!(from >= 0 && from < below && below <= 1)) {
            throw new IllegalArgumentException(field + " \"" + name + "\": [" + from + ", " + below
                    + ") (expected: a score range with 0 <= from < below <= 1)");
        }
        if (action == TierAction.ROUTE && pool.isEmpty()) {
            throw new IllegalArgumentException(field + ".pool: [] (expected: at least one backend for action route)");
        }
        if (action != TierAction.ROUTE && !pool.isEmpty()) {
            throw new IllegalArgumentException(field + ".pool: " + pool + " (expected: none for action " + action.yamlName()
                    + ", which proxies nothing)");
        }
        if (action != TierAction.ROUTE && spillTo != null) {
            throw new IllegalArgumentException(field + ".spillTo: \"" + spillTo + "\" (expected: none for action "
                    + action.yamlName() + ", which has no backends to run out of)");
        }
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException(field + ".retryAfter: " + retryAfter + " (expected: zero or more)");
        }
    }
}
