package dev.pibl.config;

import java.util.List;

/**
 * A configuration that cannot be used. Carries every problem found, each naming the key (with its
 * line when it came from a file), the value and what was expected.
 */
public final class ConfigException extends Exception {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, one message each, in file order. */
    public List<String> problems() {
        return problems;
    }
}
