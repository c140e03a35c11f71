package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Every timeout: {@code timeouts:} in the YAML. All are positive.
 *
 * @param connect      opening a connection to a backend; then the next backend is tried
 * @param response     waiting for the backend's response head, and between two reads of its body; 504
 * @param clientHeader from a request's first byte until its whole header arrived; 408
 * @param clientBody   between two reads of a request body (the client stalls: 408; the backend
 *                     stops reading it: 504)
 * @param idle         a client keep-alive connection with no request in flight is closed after this
 * @param upstreamIdle a pooled backend connection unused this long is closed (keep it below the backend's own)
 * @param drain        on shutdown, how long in-flight exchanges may run before they are cut
 * @param request      the whole exchange, from its request head to its response's last byte;
 *                     504 if no response started by then, else the connection is cut; zero for none
 */
public record TimeoutsConfig(
        Duration connect,
        Duration response,
        Duration clientHeader,
        Duration clientBody,
        Duration idle,
        Duration upstreamIdle,
        Duration drain,
        Duration request) {

    public TimeoutsConfig {
        requireNonNull(connect, "connect");
        requireNonNull(response, "response");
        requireNonNull(clientHeader, "clientHeader");
        requireNonNull(clientBody, "clientBody");
        requireNonNull(idle, "idle");
        requireNonNull(upstreamIdle, "upstreamIdle");
        requireNonNull(drain, "drain");
        requireNonNull(request, "request");
    }
}
