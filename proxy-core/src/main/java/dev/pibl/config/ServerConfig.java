package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The client-facing listener: {@code server:} in the YAML.
 *
 * @param port      TCP port to listen on (1-65535; 0 only in tests, for an ephemeral port)
 * @param bind      address to bind, for example {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param ioThreads event-loop threads; 0 means one per available core
 * @param limits    limits on what a client may send
 * @param trustedProxies IP addresses and CIDR blocks (as {@link TrustedProxies} parses them) of
 *                  the proxies in front of PIBL whose {@code X-Forwarded-*} and {@code Forwarded}
 *                  headers are believed; empty means no peer's are
 */
public record ServerConfig(int port, String bind, int ioThreads, LimitsConfig limits, List<String> trustedProxies) {

    public ServerConfig {
        requireNonNull(bind, "bind");
        requireNonNull(limits, "limits");
        trustedProxies = List.copyOf(requireNonNull(trustedProxies, "trustedProxies"));
    }

    ServerConfig withPort(int newPort) {
        return new ServerConfig(newPort, bind, ioThreads, limits, trustedProxies);
    }

    /** The number of event loops to start: {@link #ioThreads()}, or one per core when it is 0. */
    public int effectiveIoThreads() {
        return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }
}
