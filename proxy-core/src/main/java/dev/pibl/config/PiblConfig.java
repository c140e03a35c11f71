package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * The whole validated configuration, one immutable record per YAML section.
 *
 * <p>Built once by {@link ConfigLoader} on the start-up thread and then only read, from any
 * thread. Every value in it has already been validated.
 */
public record PiblConfig(
        ServerConfig server,
        List<BackendConfig> backends,
        BalancingConfig balancing,
        TimeoutsConfig timeouts,
        UpstreamConfig upstream,
        HealthConfig health,
        CacheConfig cache,
        LoggingConfig logging,
        AdminConfig admin) {

    public PiblConfig {
        requireNonNull(server, "server");
        backends = List.copyOf(requireNonNull(backends, "backends"));
        requireNonNull(balancing, "balancing");
        requireNonNull(timeouts, "timeouts");
        requireNonNull(upstream, "upstream");
        requireNonNull(health, "health");
        requireNonNull(cache, "cache");
        requireNonNull(logging, "logging");
        requireNonNull(admin, "admin");
    }

    /** This configuration listening on {@code port} instead (the CLI's {@code --port}). */
    public PiblConfig withPort(int port) {
        return new PiblConfig(server.withPort(port), backends, balancing, timeouts, upstream, health, cache, logging, admin);
    }

    /** This configuration with another default cache TTL (the CLI's {@code --ttl}). */
    public PiblConfig withDefaultTtl(Duration ttl) {
        return new PiblConfig(server, backends, balancing, timeouts, upstream, health, cache.withDefaultTtl(ttl),
                logging, admin);
    }
}
