package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a PIBL YAML configuration into a validated {@link PiblConfig}.
 *
 * <p>Every problem is collected before anything is thrown, each as one line
 * {@code <source>:<line>: <key.path>: <value> (expected: <expectation>)}, for example
 * {@code pibl.yaml:3: server.port: 70000 (expected: an integer from 1 to 65535)}. Keys the schema
 * does not know, duplicate keys, wrong types and out-of-range values are all errors: a typo must
 * not silently leave a default in place. docs/configuration.md describes every key.
 *
 * <p>Called on the start-up thread (and by {@code --check}); holds no state, so any thread may
 * call it.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Loads the UTF-8 YAML file {@code file}; messages name it as given, so a relative path stays
     * relative.
     *
     * @throws ConfigException when the file cannot be read or the configuration is not valid
     */
    public static PiblConfig load(Path file) throws ConfigException {
        requireNonNull(file, "file");
        String source = file.toString();
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(source + ": " + readFailure(e) + " (expected: a readable YAML file)"));
        }
        return parse(yaml, source);
    }

    /**
     * Parses {@code yaml}; {@code sourceName} starts every message (a file name, or a label such
     * as {@code <test>}).
     *
     * @throws ConfigException when the configuration is not valid
     */
    public static PiblConfig parse(String yaml, String sourceName) throws ConfigException {
        requireNonNull(yaml, "yaml");
        requireNonNull(sourceName, "sourceName");
        Problems problems = new Problems(sourceName);
        // Editors on Windows may save a byte-order mark, which YAML does not expect mid-stream.
        YamlTree tree = YamlTree.read(yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml, problems);
        if (tree == null) {
            problems.throwIfAny();
        }
        PiblConfig config = new ConfigBinder(tree, problems).bind();
        problems.throwIfAny();
        return config;
    }

    /**
     * Applies the command line's {@code --port} and {@code --ttl} on top of {@code config},
     * validating them as the YAML would be.
     *
     * @param port the {@code --port} value, or {@code null} when not given
     * @param ttl  the {@code --ttl} text, such as {@code 30s}, or {@code null} when not given
     * @throws ConfigException naming the option, the value and what was expected, for example
     *                         {@code --port: 70000 (expected: 1-65535)}
     */
    public static PiblConfig applyOverrides(PiblConfig config, Integer port, String ttl) throws ConfigException {
        requireNonNull(config, "config");
        List<String> problems = new ArrayList<>();
        PiblConfig result = config;
        if (port != null) {
            // 0 (any free port) stays possible for tests that start the jar, like server.port.
            if (port < 0 || port > 65535) {
                problems.add("--port: " + port + " (expected: 1-65535)");
            } else {
                result = result.withPort(port);
            }
        }
        if (ttl != null) {
            try {
                result = result.withDefaultTtl(Durations.parse(ttl));
            } catch (IllegalArgumentException e) {
                problems.add("--ttl: " + ttl + " (expected: a duration such as 250ms, 30s, 5m, 1h)");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return result;
    }

    private static String readFailure(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof MalformedInputException) {
            return "not valid UTF-8";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
