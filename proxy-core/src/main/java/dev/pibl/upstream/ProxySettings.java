package dev.pibl.upstream;

import static java.util.Objects.requireNonNull;

import dev.pibl.balance.HealthRegistry;
import dev.pibl.balance.LoadBalancer;
import dev.pibl.balance.RetryBudget;
import dev.pibl.balance.TierPools;
import dev.pibl.config.TrustedProxies;

/**
 * What every {@link ProxyHandler} shares: the balancer, the pools and the settings it applies.
 * Immutable and thread-safe (the balancer and pools are).
 *
 * @param maxBodySize         request bodies larger than this get 413; 0 for no limit
 * @param responseTimeoutNanos how long to wait for the response head after the request was sent,
 *                             and between reads of the response; then 504 (or a cut response)
 * @param clientBodyTimeoutNanos how long a request body may stall between two reads; then 408
 *                             (the client stalled) or 504 (the backend stopped reading it)
 * @param requestTimeoutNanos the whole exchange's deadline; 0 for none
 * @param maxTries            how many backends one request may try on connection failures
 * @param preserveHost        send the client's Host unchanged rather than the backend's host:port
 * @param health              told every exchange's outcome; decides which backends take traffic
 * @param retryBudget         caps retries to a share of the requests
 * @param trustedProxies      peers whose forwarding headers are kept (and extended) rather than replaced
 * @param tierPools           with score-based balancing, each tier's balancer; null otherwise
 */
public record ProxySettings(
        LoadBalancer balancer,
        UpstreamPools pools,
        long maxBodySize,
        long responseTimeoutNanos,
        long clientBodyTimeoutNanos,
        long requestTimeoutNanos,
        int maxTries,
        boolean preserveHost,
        HealthRegistry health,
        RetryBudget retryBudget,
        TrustedProxies trustedProxies,
        TierPools tierPools) {

    public ProxySettings {
        requireNonNull(balancer, "balancer");
        requireNonNull(pools, "pools");
        requireNonNull(health, "health");
        requireNonNull(retryBudget, "retryBudget");
        requireNonNull(trustedProxies, "trustedProxies");
        if (maxTries < 1) {
            throw new IllegalArgumentException("maxTries: " + maxTries + " (expected: >= 1)");
        }
    }
}
