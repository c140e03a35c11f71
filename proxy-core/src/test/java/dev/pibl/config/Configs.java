package dev.pibl.config;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

/** Test helpers: parse YAML text under the source name {@code pibl.yaml}. */
final class Configs {

    /** The smallest valid configuration; tests append the section they exercise. */
    static final String ONE_BACKEND = "backends:\n  - url: http://127.0.0.1:9001\n";

    private Configs() {
    }

    static PiblConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "pibl.yaml");
    }

    /** The problems {@code yaml} is rejected with; fails the test if it is accepted. */
    static List<String> problems(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        if (e == null) {
            throw new AssertionError("expected the configuration to be rejected:\n" + yaml);
        }
        return e.problems();
    }
}
