package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Backend health: {@code health:} in the YAML.
 *
 * @param active  periodic HTTP checks of each backend
 * @param passive ejection of backends whose real traffic keeps failing
 * @param panic   when every backend is down: true sends traffic to all of them anyway (HAProxy's
 *                and Envoy's panic mode); false answers 503 with Retry-After
 * @param slowStart how long a backend that comes back (its probe succeeded, or its checks rose)
 *                takes to reach its full share, growing linearly from 5 %; zero turns this off
 */
public record HealthConfig(ActiveCheck active, PassiveCheck passive, boolean panic, Duration slowStart) {

    public HealthConfig {
        requireNonNull(active, "active");
        requireNonNull(passive, "passive");
        requireNonNull(slowStart, "slowStart");
    }

    /** The defaults: no active checks, passive ejection on, no panic mode, no slow start. */
    public static HealthConfig defaults() {
        return new HealthConfig(
                new ActiveCheck(false, "/", Duration.ofSeconds(5), Duration.ofSeconds(2), 200, 399, 2, 3, true),
                new PassiveCheck(true, 5, Duration.ofSeconds(10), Duration.ofMinutes(5), 50),
                false, Duration.ZERO);
    }

    /**
     * {@code health.active:} a GET of {@code path} on each backend every {@code interval}.
     *
     * @param statusFrom   lowest status that counts as healthy
     * @param statusTo     highest status that counts as healthy
     * @param rise         consecutive good checks that bring a backend back
     * @param fall         consecutive bad checks (or timeouts) that take it out
     * @param startHealthy whether a backend takes traffic before its first check
     */
    public record ActiveCheck(boolean enabled, String path, Duration interval, Duration timeout, int statusFrom,
            int statusTo, int rise, int fall, boolean startHealthy) {
        public ActiveCheck {
            requireNonNull(path, "path");
            requireNonNull(interval, "interval");
            requireNonNull(timeout, "timeout");
        }
    }

    /**
     * {@code health.passive:} after {@code consecutiveFailures} failed exchanges in a row (connect
     * failures, broken connections, timeouts, 5xx answers) a backend is ejected for
     * {@code ejectionTime}, doubled on each repeat up to {@code maxEjectionTime}; when the time
     * is up one request probes it (half-open) and decides.
     *
     * @param maxEjectedPercent at most this share of the backends is ejected at once
     */
    public record PassiveCheck(boolean enabled, int consecutiveFailures, Duration ejectionTime,
            Duration maxEjectionTime, int maxEjectedPercent) {
        public PassiveCheck {
            requireNonNull(ejectionTime, "ejectionTime");
            requireNonNull(maxEjectionTime, "maxEjectionTime");
        }
    }
}
