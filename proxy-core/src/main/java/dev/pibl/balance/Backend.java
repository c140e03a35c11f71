package dev.pibl.balance;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * One backend as the balancer and the upstream pools see it. Immutable; shared by every thread.
 *
 * @param index   position in the configured list, 0-based; pools use it to find their per-backend slot
 * @param name    the configured name, used in logs
 * @param address where to connect; resolved once at start-up so no DNS lookup runs on an event loop
 * @param hostHeader the {@code host:port} to send as Host when the client's Host is not preserved
 * @param weight  relative share of round-robin traffic, at least 1
 */
public record Backend(int index, String name, InetSocketAddress address, String hostHeader, int weight) {

    public Backend {
        requireNonNull(name, "name");
        requireNonNull(address, "address");
        requireNonNull(hostHeader, "hostHeader");
        if (index < 0) {
            throw new IllegalArgumentException("index: " + index + " (expected: >= 0)");
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
        }
    }

    /**
     * Whether {@code other} is this backend as a reloaded configuration names it: the same name,
     * address and Host (its weight and place in the list may differ). Such a backend keeps its
     * health state and its pooled connections across a reload.
     */
    public boolean sameTarget(Backend other) {
        return name.equals(other.name) && address.equals(other.address) && hostHeader.equals(other.hostHeader);
    }

    @Override
    public String toString() {
        return name;
    }
}
