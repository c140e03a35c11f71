package dev.pibl.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One YAML mapping being bound: typed getters that validate a key, report what is wrong with it
 * and fall back to the default, so binding goes on and every problem is found in one pass.
 *
 * <p>A value that failed is remembered, so checks across keys (one size below another) only run
 * on values that were themselves valid and do not pile a second message onto the first. Used on
 * the loading thread only.
 */
final class Section {

    private final YamlTree tree;
    private final Problems problems;
    private final String path;
    private final JsonNode node; // null when the section is absent, null or not a mapping
    private final Set<String> failed = new HashSet<>();

    private Section(YamlTree tree, Problems problems, String path, JsonNode node) {
        this.tree = tree;
        this.problems = problems;
        this.path = path;
        this.node = node;
    }

    /**
     * The mapping {@code node} at {@code path}, whose only allowed keys are {@code keys}. An absent
     * or empty ({@code null}) section takes every default, so a reference file can comment out
     * all of a section's keys; anything else that is not a mapping is reported.
     */
    static Section of(YamlTree tree, Problems problems, String path, JsonNode node, List<String> keys) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new Section(tree, problems, path, null);
        }
        if (!node.isObject()) {
            problems.report(tree.lineOf(path), path, Problems.render(node),
                    "a mapping with keys " + String.join(", ", keys));
            return new Section(tree, problems, path, null);
        }
        Section section = new Section(tree, problems, path, node);
        node.fieldNames().forEachRemaining(key -> {
            if (!keys.contains(key)) {
                String keyPath = section.path(key);
                problems.report(tree.lineOf(keyPath), keyPath, "unknown key", "one of " + String.join(", ", keys));
            }
        });
        return section;
    }

    /** The nested mapping under {@code key}. */
    Section section(String key, List<String> keys) {
        return of(tree, problems, path(key), get(key), keys);
    }

    /** The raw value of {@code key}, or {@code null} when it is absent. */
    JsonNode get(String key) {
        return node == null ? null : node.get(key);
    }

    /** The full key path of {@code key}, such as {@code server.limits.max-headers}. */
    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Whether {@code key} was present but invalid. */
    boolean failed(String key) {
        return failed.contains(key);
    }

    /** Reports {@code key}'s value as not what was {@code expected}. */
    void fail(String key, String expected) {
        fail(key, Problems.render(get(key)), expected);
    }

    /** Reports {@code key} with {@code value} shown as given (for example "missing"). */
    void fail(String key, String value, String expected) {
        failed.add(key);
        String keyPath = path(key);
        problems.report(tree.lineOf(keyPath), keyPath, value, expected);
    }

    int integer(String key, int defaultValue, int min, int max) {
        return integer(key, defaultValue, min, max, "an integer from " + min + " to " + max);
    }

    /** An integer from {@code min} to {@code max}, with a message of its own when it is not. */
    int integer(String key, int defaultValue, int min, int max, String expected) {
        JsonNode value = get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= min && value.intValue() <= max) {
            return value.intValue();
        }
        fail(key, expected);
        return defaultValue;
    }

    /**
     * The non-empty list under {@code key}, or {@code null} after reporting it as missing or as
     * not what was {@code expected}.
     */
    JsonNode nonEmptyList(String key, String expected) {
        JsonNode list = get(key);
        if (list == null) {
            fail(key, "missing", expected);
            return null;
        }
        if (!list.isArray() || list.isEmpty()) {
            fail(key, expected);
            return null;
        }
        return list;
    }

    /** A number (whole or decimal) from {@code min} to {@code max}, with {@code expected} when it is not. */
    double number(String key, double defaultValue, double min, double max, String expected) {
        JsonNode value = get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value.isNumber() && Double.isFinite(value.doubleValue()) && value.doubleValue() >= min
                && value.doubleValue() <= max) {
            return value.doubleValue();
        }
        fail(key, expected);
        return defaultValue;
    }

    /** The source line of {@code key}'s value, for messages about it. */
    int line(String key) {
        return tree.lineOf(path(key));
    }

    boolean bool(String key, boolean defaultValue) {
        JsonNode value = get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        fail(key, "true or false");
        return defaultValue;
    }

    /**
     * A duration from {@code min} to {@code max} ({@code null} for no upper bound); outside it,
     * {@code range} says what was expected.
     */
    Duration duration(String key, Duration defaultValue, Duration min, Duration max, String range) {
        String text = scalar(key);
        if (text == null) {
            return defaultValue;
        }
        Duration parsed;
        try {
            parsed = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            fail(key, Durations.EXPECTED);
            return defaultValue;
        }
        if (parsed.compareTo(min) < 0 || (max != null && parsed.compareTo(max) > 0)) {
            fail(key, range);
            return defaultValue;
        }
        return parsed;
    }

    /** A size in bytes from {@code min} to {@code max}; outside it, {@code range} says what was expected. */
    long size(String key, long defaultValue, long min, long max, String range) {
        String text = scalar(key);
        if (text == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = DataSizes.parse(text);
        } catch (IllegalArgumentException e) {
            fail(key, DataSizes.EXPECTED);
            return defaultValue;
        }
        if (parsed < min || parsed > max) {
            fail(key, range);
            return defaultValue;
        }
        return parsed;
    }

    /** A string (numbers are taken as written) that {@code valid} accepts. */
    String text(String key, String defaultValue, Predicate<String> valid, String expected) {
        JsonNode value = get(key);
        if (value == null) {
            return defaultValue;
        }
        if ((value.isTextual() || value.isNumber()) && valid.test(value.asText())) {
            return value.asText();
        }
        fail(key, expected);
        return defaultValue;
    }

    /**
     * A list of strings that {@code valid} accepts, empty when the key is absent. Each bad item
     * is reported at its own index ({@code key[2]}) with {@code itemExpected} and left out; a value
     * that is not a list at all is reported with {@code listExpected}.
     */
    List<String> textList(String key, Predicate<String> valid, String itemExpected, String listExpected) {
        JsonNode value = get(key);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            fail(key, listExpected);
            return List.of();
        }
        List<String> items = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            // Numbers are not taken as written here: no address or block is a YAML number.
            if (item.isTextual() && valid.test(item.asText())) {
                items.add(item.asText());
                continue;
            }
            failed.add(key);
            String itemPath = path(key) + "[" + i + "]";
            problems.report(tree.lineOf(itemPath), itemPath, Problems.render(item), itemExpected);
        }
        return items;
    }

    /** One of the names in {@code choices} (kebab case, exact spelling). */
    <E> E choice(String key, E defaultValue, Map<String, E> choices, String expected) {
        JsonNode value = get(key);
        if (value == null) {
            return defaultValue;
        }
        E chosen = value.isTextual() ? choices.get(value.asText()) : null;
        if (chosen != null) {
            return chosen;
        }
        fail(key, expected);
        return defaultValue;
    }

    /**
     * The text a unit parser reads: strings, and whole numbers so that a bare {@code 0} or
     * {@code 512} works. Any other type gives text no parser accepts, so it is reported with the
     * same expectation as a misspelt value: to the reader it is the same mistake.
     *
     * @return the text, or {@code null} when the key is absent
     */
    private String scalar(String key) {
        JsonNode value = get(key);
        if (value == null) {
            return null;
        }
        return value.isTextual() || value.isIntegralNumber() ? value.asText() : "";
    }
}
