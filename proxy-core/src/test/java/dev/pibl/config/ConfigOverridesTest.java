package dev.pibl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command line's --port and --ttl on top of a loaded configuration. */
class ConfigOverridesTest {

    private static PiblConfig base() throws ConfigException {
        return Configs.parse(Configs.ONE_BACKEND);
    }

    @Test
    void noOverridesLeaveTheConfigurationAsItWas() throws ConfigException {
        assertThat(ConfigLoader.applyOverrides(base(), null, null)).isEqualTo(base());
    }

    @Test
    void portAndTtlReplaceTheirKeysOnly() throws ConfigException {
        PiblConfig c = ConfigLoader.applyOverrides(base(), 9000, "5m");

        assertThat(c.server().port()).isEqualTo(9000);
        assertThat(c.cache().defaultTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.withPort(8080).withDefaultTtl(Duration.ofSeconds(60))).isEqualTo(base());
    }

    @Test
    void ttlZeroTurnsTheBlanketTtlOff() throws ConfigException {
        assertThat(ConfigLoader.applyOverrides(base(), null, "0").cache().defaultTtl()).isZero();
    }

    @Test
    void portZeroMeansAnyFreePortForTests() throws ConfigException {
        assertThat(ConfigLoader.applyOverrides(base(), 0, null).server().port()).isZero();
    }

    @Test
    void badPort() throws ConfigException {
        PiblConfig base = base();
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.applyOverrides(base, 70000, null));

        assertThat(e.problems()).containsExactly("--port: 70000 (expected: 1-65535)");
    }

    @Test
    void badTtl() throws ConfigException {
        PiblConfig base = base();
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.applyOverrides(base, null, "5x"));

        assertThat(e.problems()).containsExactly("--ttl: 5x (expected: a duration such as 250ms, 30s, 5m, 1h)");
    }

    @Test
    void bothBadAreReportedTogether() throws ConfigException {
        PiblConfig base = base();
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.applyOverrides(base, -1, "-5s"));

        assertThat(e.problems()).containsExactly(
                "--port: -1 (expected: 1-65535)",
                "--ttl: -5s (expected: a duration such as 250ms, 30s, 5m, 1h)");
    }
}
