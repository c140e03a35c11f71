package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Connections to backends: {@code upstream:} in the YAML.
 *
 * @param maxConnections     most open connections to one backend from the whole process (split evenly
 *                           across event loops, at least one each)
 * @param maxPending         most requests waiting for a connection to one backend on one event loop; beyond, 503
 * @param pendingTimeout     how long a request may wait for a pooled connection; then 503
 * @param maxTries           how many backends one request may try when connections fail (at least 1)
 * @param preserveHost       forward the client's Host header unchanged (true) or send the backend's host:port
 * @param retryBudgetPercent retries may add at most this share of the requests (0-100)
 * @param minRetriesPerSecond retries allowed each second whatever the traffic, so a quiet proxy can still retry
 */
public record UpstreamConfig(
        int maxConnections,
        int maxPending,
        Duration pendingTimeout,
        int maxTries,
        boolean preserveHost,
        int retryBudgetPercent,
        int minRetriesPerSecond) {

    public UpstreamConfig {
        requireNonNull(pendingTimeout, "pendingTimeout");
    }
}
