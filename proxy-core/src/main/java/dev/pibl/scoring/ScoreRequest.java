package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Executor;

/**
 * What a {@link Scorer} is asked about one client.
 *
 * @param clientKey the key PIBL tracks the client by: its IP address, or its IPv6 prefix such as
 *                  {@code 2001:db8:1:2::/64}
 * @param clientIp  the client's own address as of this request, as text
 * @param features  the client's behaviour, indexed as {@link Features}; a copy the scorer may keep
 *                  but must not modify
 * @param executor  the event loop of the request that asked, for scorers that do I/O there; a
 *                  remote scorer runs its connection on it so no other thread is involved
 */
public record ScoreRequest(String clientKey, String clientIp, double[] features, Executor executor) {

    public ScoreRequest {
        requireNonNull(clientKey, "clientKey");
        requireNonNull(clientIp, "clientIp");
        requireNonNull(features, "features");
        requireNonNull(executor, "executor");
        if (features.length != Features.COUNT) {
            throw new IllegalArgumentException("features: " + features.length + " values (expected: " + Features.COUNT + ")");
        }
    }
}
