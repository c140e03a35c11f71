package dev.pibl.config;

import static java.util.Objects.requireNonNull;

/** How a backend is chosen: {@code balancing:} in the YAML. */
public record BalancingConfig(Policy policy) {

    public BalancingConfig {
        requireNonNull(policy, "policy");
    }

    /** The balancing policies; the YAML spells them in kebab case. */
    public enum Policy {
        ROUND_ROBIN("round-robin");

        private final String yamlName;

        Policy(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }
    }
}
