package dev.pibl.server;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What one reload did: applied or refused, and why. Immutable.
 *
 * @param applied         whether the new configuration is now in force
 * @param generation      the configuration generation in force after the attempt (1 at start,
 *                        one more per applied reload)
 * @param changed         the settings that changed and were applied, by YAML key
 *                        ({@code backends}, {@code balancing.policy}, {@code timeouts.response}...)
 * @param restartRequired changed settings that only a restart applies ({@code server.port}...);
 *                        they keep their old values until then
 * @param problems        why the new configuration was refused (empty when applied), each naming
 *                        the key, the value and what was expected
 */
public record ReloadResult(boolean applied, int generation, List<String> changed, List<String> restartRequired,
        List<String> problems) {

    public ReloadResult {
        changed = List.copyOf(requireNonNull(changed, "changed"));
        restartRequired = List.copyOf(requireNonNull(restartRequired, "restartRequired"));
        problems = List.copyOf(requireNonNull(problems, "problems"));
    }

    /** A refused reload: the old configuration stays. */
    static ReloadResult refused(int generation, List<String> problems) {
        return new ReloadResult(false, generation, List.of(), List.of(), problems);
    }
}
