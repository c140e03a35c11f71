package dev.pibl.scoring;

/** What PIBL does with the requests of a client in a {@link Tier}. Thread-safe (an enum). */
public enum TierAction {
    /** Proxy to a backend of the tier's pool. */
    ROUTE("route"),
    /** Answer 429 Too Many Requests without proxying. */
    DENY("deny"),
    /** Answer only from the cache; what it cannot answer is refused, never proxied. */
    CACHE_ONLY("cache-only");

    private final String yamlName;

    TierAction(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The action as the YAML spells it: {@code route}, {@code deny} or {@code cache-only}. */
    public String yamlName() {
        return yamlName;
    }
}
