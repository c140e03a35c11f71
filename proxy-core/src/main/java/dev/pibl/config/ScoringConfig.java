package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Score-based balancing: {@code balancing.score:} in the YAML. Immutable; read from any thread.
 *
 * @param scorer          what scores clients for routing
 * @param shadow          a second scorer whose scores are only logged, or {@code null}
 * @param refreshInterval a client's score is recomputed at most this often...
 * @param refreshRequests ...or after this many of its requests, whichever comes first
 * @param fallbackTier    the tier a request goes to when its client has no usable score
 * @param hysteresis      how far past a tier boundary a score must go to change a client's tier
 * @param clients         how clients are told apart and how many are remembered
 * @param tiers           the score ranges, lowest first, contiguous from 0 to 1
 * @param exportFeatures  where every scored feature vector is written (JSON Lines, rotated), or
 *                        {@code null} for nowhere
 */
public record ScoringConfig(
        ScorerConfig scorer,
        ScorerConfig shadow,
        Duration refreshInterval,
        int refreshRequests,
        String fallbackTier,
        double hysteresis,
        ClientsConfig clients,
        List<TierConfig> tiers,
        Path exportFeatures) {

    public ScoringConfig {
        requireNonNull(scorer, "scorer");
        requireNonNull(refreshInterval, "refreshInterval");
        requireNonNull(fallbackTier, "fallbackTier");
        requireNonNull(clients, "clients");
        tiers = List.copyOf(requireNonNull(tiers, "tiers"));
    }

    /** This configuration exporting feature vectors to {@code file} instead (null: not at all). */
    public ScoringConfig withExportFeatures(Path file) {
        return new ScoringConfig(scorer, shadow, refreshInterval, refreshRequests, fallbackTier, hysteresis, clients,
                tiers, file);
    }

    /** One scorer: {@code scorer: builtin} with a model file, or {@code scorer: http} with a service. */
    public record ScorerConfig(Kind kind, Path model, HttpScorerConfig http) {

        public ScorerConfig {
            requireNonNull(kind, "kind");
            if (kind == Kind.BUILTIN) {
                requireNonNull(model, "model");
            } else {
                requireNonNull(http, "http");
            }
        }

        /** The kinds of scorer; the YAML spells them in lower case. */
        public enum Kind { BUILTIN, HTTP }
    }

    /**
     * An external scoring service.
     *
     * @param url            where to ask
     * @param post           POST the client's features as JSON rather than GET {@code url?ip=}
     * @param queryParameter the parameter carrying the IP in the GET shape
     * @param scoreField     the answer's numeric field
     * @param timeout        the most one call, and so one request, waits for a score
     * @param cacheTtl       how long a score from the service stays usable
     * @param maxConcurrent  calls in flight at once, beyond which the fallback tier is used
     * @param circuitFailures consecutive failures that open the circuit
     * @param circuitOpenFor how long an open circuit skips the service
     */
    public record HttpScorerConfig(URI url, boolean post, String queryParameter, String scoreField, Duration timeout,
            Duration cacheTtl, int maxConcurrent, int circuitFailures, Duration circuitOpenFor) {

        public HttpScorerConfig {
            requireNonNull(url, "url");
            requireNonNull(queryParameter, "queryParameter");
            requireNonNull(scoreField, "scoreField");
            requireNonNull(timeout, "timeout");
            requireNonNull(cacheTtl, "cacheTtl");
            requireNonNull(circuitOpenFor, "circuitOpenFor");
        }
    }

    /**
     * How clients are told apart and remembered.
     *
     * @param maxClients how many clients' behaviour is kept (least recently seen dropped first)
     * @param idle       a client unseen this long is forgotten
     * @param ipv4Prefix IPv4 clients in one block of this size count as one client
     * @param ipv6Prefix IPv6 clients in one block of this size count as one client (/64: one site)
     * @param header     the header naming the client when the peer is a trusted proxy
     */
    public record ClientsConfig(int maxClients, Duration idle, int ipv4Prefix, int ipv6Prefix, ClientHeader header) {

        public ClientsConfig {
            requireNonNull(idle, "idle");
            requireNonNull(header, "header");
        }

        /** The defaults. */
        public static ClientsConfig defaults() {
            return new ClientsConfig(100_000, Duration.ofMinutes(10), 32, 64, ClientHeader.X_FORWARDED_FOR);
        }
    }

    /** Which forwarding header names the client behind a trusted proxy. */
    public enum ClientHeader {
        X_FORWARDED_FOR("x-forwarded-for"),
        FORWARDED("forwarded");

        private final String yamlName;

        ClientHeader(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }
    }

    /**
     * One tier: a score range and what happens to its clients' requests.
     *
     * @param name       as logs and the admin API show it
     * @param from       lowest score of the range, inclusive
     * @param below      the range's end, exclusive (1.0 for the last tier, which includes it)
     * @param action     route to {@code pool}, deny, or serve only from the cache
     * @param pool       backend names, round-robin by weight; empty unless the action is route
     * @param spillTo    the tier used when no backend of the pool can take the request, or null
     * @param retryAfter the Retry-After of a deny or cache-only refusal
     */
    public record TierConfig(String name, double from, double below, Action action, List<String> pool,
            String spillTo, Duration retryAfter) {

        public TierConfig {
            requireNonNull(name, "name");
            requireNonNull(action, "action");
            pool = List.copyOf(requireNonNull(pool, "pool"));
            requireNonNull(retryAfter, "retryAfter");
        }
    }

    /** What a tier does with a request. */
    public enum Action {
        ROUTE("route"),
        DENY("deny"),
        CACHE_ONLY("cache-only");

        private final String yamlName;

        Action(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }
    }
}
