package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The response cache: {@code cache:} in the YAML. Immutable; read by the cache stage on any thread.
 *
 * @param enabled              whether the cache stage runs
 * @param defaultTtl           freshness given to responses without their own; 0 turns the blanket TTL off
 * @param forceTtl             the default TTL wins over the origin's own freshness
 * @param heuristic            RFC 9111 §4.2.2 heuristic freshness (10% of the time since Last-Modified)
 *                             for responses without explicit freshness when no default TTL applies
 * @param storeSetCookie       whether responses carrying Set-Cookie may be stored
 * @param staleWhileRevalidate default stale-while-revalidate window for responses that give none
 * @param staleIfError         default stale-if-error window for responses that give none
 * @param keepStale            how long an expired entry with a validator is kept for revalidation
 * @param targetedField        a PIBL-specific targeted Cache-Control field (RFC 9213), like CDN-Cache-Control
 * @param directory            where cached responses are persisted
 * @param memorySize           bytes the in-memory tier may hold
 * @param diskSize             bytes the disk tier may hold
 * @param maxObjectSize        larger responses stream through uncached
 * @param fsync                when stored files are forced to the device
 * @param coalesceMaxWaiters   concurrent misses for one key that wait for the first one's response
 * @param coalesceTimeout      how long they wait before going to a backend themselves
 */
public record CacheConfig(
        boolean enabled,
        Duration defaultTtl,
        boolean forceTtl,
        boolean heuristic,
        boolean storeSetCookie,
        Duration staleWhileRevalidate,
        Duration staleIfError,
        Duration keepStale,
        String targetedField,
        Path directory,
        long memorySize,
        long diskSize,
        long maxObjectSize,
        Fsync fsync,
        int coalesceMaxWaiters,
        Duration coalesceTimeout) {

    /** When a stored file is forced to the device before it replaces the old one. */
    public enum Fsync {
        /** Never: a power loss may lose recent entries (a process crash cannot corrupt any). */
        NEVER,
        /** Every file and its directory entry: survives power loss, costs a device flush per store. */
        ALWAYS
    }

    public CacheConfig {
        requireNonNull(defaultTtl, "defaultTtl");
        requireNonNull(staleWhileRevalidate, "staleWhileRevalidate");
        requireNonNull(staleIfError, "staleIfError");
        requireNonNull(keepStale, "keepStale");
        requireNonNull(targetedField, "targetedField");
        requireNonNull(directory, "directory");
        requireNonNull(fsync, "fsync");
        requireNonNull(coalesceTimeout, "coalesceTimeout");
    }

    /** The defaults of config/pibl.yaml, with another directory: for tests and embedding. */
    public static CacheConfig defaults(Path directory) {
        return new CacheConfig(true, Duration.ofSeconds(60), false, false, false, Duration.ZERO, Duration.ZERO,
                Duration.ofMinutes(10), "PIBL-Cache-Control", directory, 256L << 20, 1L << 30, 8L << 20, Fsync.NEVER,
                100, Duration.ofSeconds(5));
    }

    public CacheConfig withDefaultTtl(Duration ttl) {
        return new CacheConfig(enabled, ttl, forceTtl, heuristic, storeSetCookie, staleWhileRevalidate, staleIfError,
                keepStale, targetedField, directory, memorySize, diskSize, maxObjectSize, fsync, coalesceMaxWaiters,
                coalesceTimeout);
    }
}
