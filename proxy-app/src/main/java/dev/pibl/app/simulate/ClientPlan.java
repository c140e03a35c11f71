package dev.pibl.app.simulate;

import java.util.Iterator;

import static java.util.Objects.requireNonNull;

/**
 * One simulated client as planned: who it is and how it will behave. Immutable and usable from any
 * thread; its {@link #schedule()} is a new, identical sequence every time it is called, confined
 * to the thread that iterates it.
 *
 * @param index         the client's place in the plan, from 0
 * @param kind          what it plays
 * @param sourceAddress the local address its connections are bound to
 * @param forwardedFor  the address it claims in X-Forwarded-For, or null when it sends none
 * @param userAgent     its User-Agent, or null when it sends none
 * @param connections   at most this many connections and requests in flight at a time
 * @param rate          its own mean requests (browser: page views) per second, before the time scale
 * @param seed          where its schedule's random choices start
 * @param timeScale     multiplies its think times and gaps
 * @param endNanos      its schedule stops before this time from the start of the run
 */
public record ClientPlan(int index, ClientKind kind, String sourceAddress, String forwardedFor, String userAgent,
                         int connections, double rate, long seed, double timeScale, long endNanos) {

    public ClientPlan {
        requireNonNull(kind, "kind");
        requireNonNull(sourceAddress, "sourceAddress");
        if (connections < 1) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: >= 1)");
        }
    }

    /** What PIBL tracks it by (with /32 grouping): the forwarded address if it sends one, else its source. */
    public String key() {
        return forwardedFor != null ? forwardedFor : sourceAddress;
    }

    /** Its requests in time order, lazily: a flooder's can be many. */
    public Iterator<PlannedRequest> schedule() {
        return Schedules.of(this);
    }
}
