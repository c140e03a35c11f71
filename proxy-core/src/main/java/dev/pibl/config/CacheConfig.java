package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The response cache: {@code cache:} in the YAML. Validated now; used by the cache stage.
 *
 * @param enabled       whether the cache stage runs
 * @param defaultTtl    freshness given to responses without their own; 0 turns the blanket TTL off
 * @param directory     where cached responses are persisted
 * @param memorySize    bytes the in-memory tier may hold
 * @param diskSize      bytes the disk tier may hold
 * @param maxObjectSize larger responses stream through uncached
 */
public record CacheConfig(
        boolean enabled,
        Duration defaultTtl,
        Path directory,
        long memorySize,
        long diskSize,
        long maxObjectSize) {

    public CacheConfig {
        requireNonNull(defaultTtl, "defaultTtl");
        requireNonNull(directory, "directory");
    }

    CacheConfig withDefaultTtl(Duration ttl) {
        return new CacheConfig(enabled, ttl, directory, memorySize, diskSize, maxObjectSize);
    }
}
