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
 * @param maxConnections most client connections open at once; 0 for no limit
 * @param overload  what happens to connections beyond {@code maxConnections}
 */
public record ServerConfig(int port, String bind, int ioThreads, LimitsConfig limits, List<String> trustedProxies,
        int maxConnections, Overload overload) {

    public ServerConfig {
        requireNonNull(bind, "bind");
        requireNonNull(limits, "limits");
        trustedProxies = List.copyOf(requireNonNull(trustedProxies, "trustedProxies"));
        requireNonNull(overload, "overload");
    }

    ServerConfig withPort(int newPort) {
        return new ServerConfig(newPort, bind, ioThreads, limits, trustedProxies, maxConnections, overload);
    }

    /** Beyond {@code max-connections}. */
    public enum Overload {
        /** Accept, answer 503 with Retry-After at once, close: clients learn fast. */
        REJECT,
        /** Stop accepting until a connection closes: new clients wait in the listen backlog. */
        PAUSE
    }

    /** The number of event loops to start: {@link #ioThreads()}, or one per core when it is 0. */
    public int effectiveIoThreads() {
        return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }
}
