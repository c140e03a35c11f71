package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Collects what is wrong with one configuration, so the operator sees every problem in one run
 * instead of fixing them one restart at a time.
 *
 * <p>Each message reads {@code <source>:<line>: <key.path>: <value> (expected: <expectation>)}, the
 * line and key path left out when there is none. Used by one thread at a time.
 */
final class Problems {

    /** Longer values are cut: the line number already points at the whole of it. */
    private static final int MAX_VALUE_LENGTH = 80;

    /** Strings that unquoted would read as a number, a boolean, null, or not be visible at all. */
    private static final Pattern LOOKS_LIKE_ANOTHER_TYPE = Pattern.compile(
            "|\\s.*|.*\\s|(?i:true|false|null|~)|[-+]?([0-9][0-9_]*(\\.[0-9_]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?"
                    + "|0x[0-9A-Fa-f_]+|0o[0-7_]+", Pattern.DOTALL);

    private record Problem(int line, int order, String message) {
    }

    private final String source;
    private final List<Problem> problems = new ArrayList<>();

    Problems(String source) {
        this.source = requireNonNull(source, "source");
    }

    /**
     * Records one problem.
     *
     * @param line     1-based line, or 0 when the problem has no place in the file (a missing key)
     * @param path     key path such as {@code backends[1].url}, or empty for the document itself
     * @param value    the offending value as the message should show it
     * @param expected what would have been accepted
     */
    void report(int line, String path, String value, String expected) {
        StringBuilder message = new StringBuilder(source);
        if (line > 0) {
            message.append(':').append(line);
        }
        message.append(": ");
        if (!path.isEmpty()) {
            message.append(path).append(": ");
        }
        message.append(value).append(" (expected: ").append(expected).append(')');
        problems.add(new Problem(line, problems.size(), message.toString()));
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Throws the collected problems, if any, in file order; those without a line come last. */
    void throwIfAny() throws ConfigException {
        if (problems.isEmpty()) {
            return;
        }
        List<String> messages = problems.stream()
                .sorted(Comparator.comparingInt((Problem p) -> p.line() == 0 ? Integer.MAX_VALUE : p.line())
                        .thenComparingInt(Problem::order))
                .map(Problem::message)
                .toList();
        throw new ConfigException(messages);
    }

    /** A YAML value as a message shows it: scalars as written, collections in flow style. */
    static String render(JsonNode node) {
        String text = renderFull(node);
        if (text.length() <= MAX_VALUE_LENGTH) {
            return text;
        }
        return text.substring(0, MAX_VALUE_LENGTH - 3) + "...";
    }

    private static String renderFull(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(renderFull(item)));
            return "[" + String.join(", ", items) + "]";
        }
        if (node.isObject()) {
            List<String> entries = new ArrayList<>();
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                entries.add(entry.getKey() + ": " + renderFull(entry.getValue()));
            }
            return "{" + String.join(", ", entries) + "}";
        }
        String text = node.asText();
        // Keep every message on one line.
        String shown = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
        if (!node.isTextual() || !LOOKS_LIKE_ANOTHER_TYPE.matcher(text).matches()) {
            return shown;
        }
        // Quoted, so that "8080" rejected as an integer does not read like 8080 was.
        return '"' + shown.replace("\"", "\\\"") + '"';
    }
}
