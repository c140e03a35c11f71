package dev.pibl.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * One YAML document as a Jackson tree, plus the line on which every key path starts.
 *
 * <p>The tree is built here from the streaming parser rather than by {@code readTree}, because
 * only the parser knows where each value came from, and because building it ourselves lets a
 * duplicate key be reported with its path and line and the reading go on. Used on the loading
 * thread only.
 */
final class YamlTree {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            // YAML 1.2 booleans: only true and false. Otherwise "no", "on" or "y" (a backend named
            // "no", say) silently turn into booleans, the "Norway problem".
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            // "cache:" with every key commented out is null, as YAML means; the builder would
            // otherwise make it an empty string, and a section that is a string is an error.
            // A quoted '' stays an empty string.
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();

    private final JsonNode root;
    private final Map<String, Integer> lines;

    private YamlTree(JsonNode root, Map<String, Integer> lines) {
        this.root = root;
        this.lines = lines;
    }

    /**
     * Reads {@code yaml}, reporting duplicate keys, aliases and extra documents to {@code problems}.
     *
     * @return the tree, or {@code null} when the text is not YAML (the syntax error is reported)
     */
    static YamlTree read(String yaml, Problems problems) {
        requireNonNull(yaml, "yaml");
        requireNonNull(problems, "problems");
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = FACTORY.createParser(yaml)) {
            if (parser.nextToken() == null) {
                // An empty document (or only comments): every section takes its defaults.
                return new YamlTree(MissingNode.getInstance(), lines);
            }
            lines.put("", line(parser));
            JsonNode root = new Reader(parser, lines, problems).value("");
            if (root == null) {
                root = MissingNode.getInstance(); // The document was an alias, already reported.
            }
            if (parser.nextToken() != null) {
                problems.report(line(parser), "", "a second YAML document", "a single document");
            }
            return new YamlTree(root, lines);
        } catch (JsonProcessingException e) {
            reportSyntax(e, problems);
            return null;
        } catch (IOException e) {
            // Reading from a String: no real I/O can fail, but the API declares it.
            problems.report(0, "", String.valueOf(e.getMessage()), "readable YAML");
            return null;
        }
    }

    /** The document's root: a mapping when the file is well formed, missing when it is empty. */
    JsonNode root() {
        return root;
    }

    /**
     * The line where {@code path} starts; for a key that is absent, the line of its nearest
     * present parent below the document root, so "missing" problems point at their section, while
     * a section missing altogether has no line at all.
     *
     * @return the 1-based line, or 0 when neither the key nor a parent section is in the file
     */
    int lineOf(String path) {
        if (path.isEmpty()) {
            return lines.getOrDefault("", 0);
        }
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            p = parent(p);
        }
        return 0;
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static void reportSyntax(JsonProcessingException e, Problems problems) {
        // snakeyaml's own exception carries the short reason ("mapping values are not allowed
        // here") and the position of the problem itself rather than of the surrounding context.
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            problems.report(marked.getProblemMark().getLine() + 1, "", "invalid YAML: " + marked.getProblem(),
                    "well-formed YAML");
            return;
        }
        int line = e.getLocation() == null ? 0 : Math.max(e.getLocation().getLineNr(), 0);
        problems.report(line, "", "invalid YAML: " + e.getOriginalMessage(), "well-formed YAML");
    }

    /** Builds the tree from the parser positioned on a value's first token. */
    private static final class Reader {
        private final JsonParser parser;
        private final Map<String, Integer> lines;
        private final Problems problems;

        Reader(JsonParser parser, Map<String, Integer> lines, Problems problems) {
            this.parser = parser;
            this.lines = lines;
            this.problems = problems;
        }

        /** The value at the current token, or {@code null} for an alias (reported). */
        JsonNode value(String path) throws IOException {
            if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                problems.report(line(parser), path, "*" + parser.getText(),
                        "a value written out; YAML aliases are not supported");
                return null;
            }
            JsonToken token = parser.currentToken();
            return switch (token) {
                case START_OBJECT -> object(path);
                case START_ARRAY -> array(path);
                case VALUE_STRING -> NODES.textNode(parser.getText());
                case VALUE_NUMBER_INT -> integer();
                case VALUE_NUMBER_FLOAT -> decimal();
                case VALUE_TRUE -> NODES.booleanNode(true);
                case VALUE_FALSE -> NODES.booleanNode(false);
                case VALUE_NULL -> NODES.nullNode();
                // Tagged binary (!!binary) and the like: keep the text, binding rejects it later.
                default -> NODES.textNode(parser.getText());
            };
        }

        private ObjectNode object(String path) throws IOException {
            ObjectNode node = NODES.objectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                String childPath = path.isEmpty() ? key : path + "." + key;
                int keyLine = line(parser);
                parser.nextToken();
                JsonNode child = value(childPath);
                if (child == null) {
                    continue; // An alias, reported: leaving the key out avoids a second message about it.
                }
                if (node.has(key)) {
                    // The first occurrence wins; which one the author meant is unknowable.
                    problems.report(keyLine, childPath, "duplicate key", "each key only once");
                    continue;
                }
                node.set(key, child);
                lines.put(childPath, keyLine);
            }
            return node;
        }

        private ArrayNode array(String path) throws IOException {
            ArrayNode node = NODES.arrayNode();
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                String itemPath = path + "[" + index + "]";
                lines.putIfAbsent(itemPath, line(parser));
                JsonNode item = value(itemPath);
                // An alias (reported) keeps its place, so the indexes in messages match the file.
                node.add(item == null ? NODES.nullNode() : item);
                index++;
            }
            return node;
        }

        private JsonNode integer() throws IOException {
            return switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
        }

        private JsonNode decimal() throws IOException {
            try {
                return NODES.numberNode(new BigDecimal(parser.getText()));
            } catch (NumberFormatException e) {
                // .inf, .nan and other spellings BigDecimal does not read.
                return NODES.numberNode(parser.getDoubleValue());
            }
        }
    }
}
