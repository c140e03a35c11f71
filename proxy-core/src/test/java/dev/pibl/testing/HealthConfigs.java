package dev.pibl.testing;

import dev.pibl.config.HealthConfig;
import java.time.Duration;

/** Health settings the tests use, built from the defaults so each test names only what it changes. */
public final class HealthConfigs {

    private HealthConfigs() {
    }

    /** Passive ejection after {@code failures} in a row, for {@code ejection} (at most 5 minutes on repeat). */
    public static HealthConfig passive(int failures, Duration ejection, int maxEjectedPercent, boolean panic) {
        return new HealthConfig(HealthConfig.defaults().active(),
                new HealthConfig.PassiveCheck(true, failures, ejection, Duration.ofMinutes(5), maxEjectedPercent),
                panic, Duration.ZERO);
    }

    /** {@code config} with a slow start of {@code slowStart}. */
    public static HealthConfig withSlowStart(HealthConfig config, Duration slowStart) {
        return new HealthConfig(config.active(), config.passive(), config.panic(), slowStart);
    }

    /** No passive ejection: every failure stays visible to the client. */
    public static HealthConfig noEjection() {
        HealthConfig d = HealthConfig.defaults();
        return new HealthConfig(d.active(), new HealthConfig.PassiveCheck(false, d.passive().consecutiveFailures(),
                d.passive().ejectionTime(), d.passive().maxEjectionTime(), d.passive().maxEjectedPercent()),
                false, Duration.ZERO);
    }

    /** Active checks of {@code /health} every {@code interval} (rise 2, fall 2), no passive ejection. */
    public static HealthConfig active(Duration interval) {
        return new HealthConfig(new HealthConfig.ActiveCheck(true, "/health", interval, Duration.ofMillis(500), 200,
                399, 2, 2, true), noEjection().passive(), false, Duration.ZERO);
    }
}
