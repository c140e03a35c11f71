package dev.pibl.scoring;

import java.util.concurrent.CompletableFuture;

/**
 * How one request is routed: its client's tier, or the fallback tier, and what the log says about
 * it. Immutable. A pending decision ({@link #pending()} non-null) has no tier yet: its client has
 * no usable score and a scorer call is in flight, which the request may wait for up to the
 * scorer's deadline.
 *
 * @param tier           where the request goes
 * @param score          the client's score the tier came from, NaN when it came from the fallback
 * @param model          what produced {@code score}, or null
 * @param shadowScore    the shadow scorer's latest score for the client, NaN when none
 * @param fallbackReason why the fallback tier was used (no score yet, timeout...), or null
 * @param pending        completed with the decision once the in-flight score arrives, or null
 */
public record Decision(Tier tier, double score, String model, double shadowScore, String fallbackReason,
        CompletableFuture<Decision> pending) {

    static Decision waitFor(CompletableFuture<Decision> pending) {
        return new Decision(null, Double.NaN, null, Double.NaN, null, pending);
    }

    public boolean isPending() {
        return pending != null;
    }

    /** Whether the fallback tier was used rather than the client's own. */
    public boolean isFallback() {
        return fallbackReason != null;
    }
}
