package dev.pibl.app.simulate;

import static java.util.Objects.requireNonNull;

/**
 * One request a simulated client means to send. Immutable; made and read on any thread.
 *
 * @param atNanos when, from the start of the run; it goes later if the client is still waiting for
 *                earlier answers, never earlier
 * @param method  GET or POST
 * @param target  path and query, such as {@code /page/17} or {@code /static/1k.bin?img=3}
 * @param body    a form body ({@code application/x-www-form-urlencoded}) for a POST, else null
 */
public record PlannedRequest(long atNanos, String method, String target, String body) {

    public PlannedRequest {
        requireNonNull(method, "method");
        requireNonNull(target, "target");
    }

    /** The path without the query: what PIBL counts as distinct. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }
}
