package dev.pibl.config;

import static java.util.Objects.requireNonNull;

/**
 * How a backend is chosen: {@code balancing:} in the YAML. Immutable; read from any thread.
 *
 * @param policy how backends are picked
 * @param score  the score-based policy's settings; {@code null} unless {@code policy} is
 *               {@link Policy#SCORE}
 */
public record BalancingConfig(Policy policy, ScoringConfig score) {

    public BalancingConfig {
        requireNonNull(policy, "policy");
        if (policy == Policy.SCORE && score == null) {
            throw new IllegalArgumentException("score: null (expected: the score policy's settings)");
        }
    }

    /** Round-robin over every backend. */
    public static BalancingConfig roundRobin() {
        return new BalancingConfig(Policy.ROUND_ROBIN, null);
    }

    /** The balancing policies; the YAML spells them in kebab case. */
    public enum Policy {
        ROUND_ROBIN("round-robin"),
        SCORE("score");

        private final String yamlName;

        Policy(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }
    }
}
