package dev.pibl.config;

import static java.util.Objects.requireNonNull;

/**
 * The admin listener: {@code admin:} in the YAML. Immutable; read from any thread.
 *
 * @param enabled whether the admin listener runs
 * @param port    its port (0 = any free port, for tests)
 * @param bind    its address; loopback by default, so only local operators reach it
 * @param token   a bearer token every admin request must carry, or empty for none
 */
public record AdminConfig(boolean enabled, int port, String bind, String token) {

    public AdminConfig {
        requireNonNull(bind, "bind");
        requireNonNull(token, "token");
    }

    /** No admin listener. */
    public static AdminConfig disabled() {
        return new AdminConfig(false, 9090, "127.0.0.1", "");
    }
}
