package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A logistic regression over a client's behaviour {@link Features}: the built-in scorer's model.
 *
 * <p>A client's score is {@code sigmoid(bias + Σj weights[j] * (tj(x[features[j]]) − mean[j]) / scale[j])},
 * where {@code tj} is feature j's transform: {@code none}, or {@code log1p} ({@code ln(1 + x)}),
 * which keeps a rate of 300 from drowning everything else. The mean and scale standardise each
 * feature, so a weight says how much one typical spread of that feature moves the score.
 *
 * <p>Models are files in this JSON format, written by hand or by {@code pibl train}:
 *
 * <pre>{@code
 * {
 *   "format":      "pibl-logistic/1",        required, exactly this
 *   "version":     "behaviour-2026-11-22",   required, 1 to 100 characters, no control characters
 *   "description": "optional free text",     optional
 *   "features":    ["rate_1s", "not_found_ratio"],  required, Features.NAMES, each at most once
 *   "transform":   ["log1p", "none"],        optional (all none), one per feature
 *   "mean":        [1.2, 0.05],              required, finite, one per feature
 *   "scale":       [2.0, 0.1],               required, finite and greater than 0, one per feature
 *   "weights":     [1.5, 2.0],               required, finite, one per feature
 *   "bias":        -3.0                      required, finite
 * }
 * }</pre>
 *
 * <p>Any other key, a duplicated key or trailing content is an error: a typo must not silently
 * leave a feature out. Loading stops at the <em>first</em> problem and reports it as
 * {@code <source>: <field>: <value> (expected: <what>)}; a model file is one machine-written
 * document, so there is rarely a second problem to find. Features the model does not list do not
 * count; a client's vector holds all of {@link Features#COUNT} whatever the model uses.
 *
 * <p>Immutable and thread-safe: event loops call {@link #score} concurrently; loading and
 * writing do file I/O, so they run on the start-up thread or an executor, never an event loop.
 */
public final class LogisticModel {

    /** The {@code format} this class reads and writes. */
    public static final String FORMAT = "pibl-logistic/1";

    static final int MAX_VERSION_LENGTH = 100;
    /** Far above any real model (a few KiB), and small enough to read whole. */
    static final int MAX_FILE_BYTES = 1 << 20;

    static final String NONE = "none";
    static final String LOG1P = "log1p";

    private static final List<String> KEYS =
            List.of("format", "version", "description", "features", "transform", "mean", "scale", "weights", "bias");
    private static final List<String> REQUIRED = List.of("format", "version", "features", "mean", "scale", "weights", "bias");
    private static final int MAX_SHOWN_VALUE = 80;
    /**
     * A cap on each term keeps the sum finite whatever the input (17 terms of 1e300 cannot
     * overflow), so an infinite feature saturates the score instead of making it NaN.
     */
    private static final double MAX_TERM = 1e300;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Keeps 1e999 as written for the message instead of turning it into Infinity.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final String version;
    private final String description;
    private final List<String> features;
    private final List<String> transforms;
    private final int[] indexes;
    private final boolean[] log1p;
    private final double[] mean;
    private final double[] scale;
    private final double[] weights;
    private final double bias;

    /**
     * The influence of one feature on one client's score, as {@link #explain} gives it.
     *
     * @param feature      the feature's name, one of {@link Features#NAMES}
     * @param value        the client's value of it, as in the vector (before any transform)
     * @param contribution {@code weight * standardised value}: what it added to the sum the
     *                     sigmoid is taken of; positive pushed the score up
     */
    public record Contribution(String feature, double value, double contribution) {

        public Contribution {
            requireNonNull(feature, "feature");
        }
    }

    private LogisticModel(String version, String description, List<String> features, List<String> transforms,
            double[] mean, double[] scale, double[] weights, double bias) {
        this.version = version;
        this.description = description == null ? "" : description;
        this.features = List.copyOf(features);
        this.transforms = transforms == null ? Collections.nCopies(features.size(), NONE)
                : List.copyOf(transforms);
        this.mean = normalised(mean);
        this.scale = normalised(scale);
        this.weights = normalised(weights);
        this.bias = bias == 0 ? 0 : bias;
        validate();
        this.indexes = new int[this.features.size()];
        this.log1p = new boolean[this.features.size()];
        for (int j = 0; j < indexes.length; j++) {
            indexes[j] = Features.indexOf(this.features.get(j));
            log1p[j] = LOG1P.equals(this.transforms.get(j));
        }
    }

    /**
     * A model from its parts, for the trainer; validated as a loaded file is.
     *
     * @param description free text, or {@code null} or empty for none
     * @param transforms  {@code none} or {@code log1p} per feature, or {@code null} for all none
     * @throws IllegalArgumentException naming the first invalid part, as
     *                                  {@code scale[1]: 0 (expected: a finite number greater than 0)}
     */
    public static LogisticModel of(String version, String description, List<String> features, List<String> transforms,
            double[] mean, double[] scale, double[] weights, double bias) {
        requireNonNull(version, "version");
        requireNonNull(features, "features");
        requireNonNull(mean, "mean");
        requireNonNull(scale, "scale");
        requireNonNull(weights, "weights");
        return new LogisticModel(version, description, features, transforms, mean, scale, weights, bias);
    }

    /**
     * Reads and validates the model file {@code file}; messages name it as given, so a relative
     * path stays relative. Blocks on file I/O.
     *
     * @throws ModelException when the file cannot be read, is larger than 1 MiB or is not a valid model
     */
    public static LogisticModel load(Path file) throws ModelException {
        requireNonNull(file, "file");
        String source = file.toString();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new ModelException(source + ": cannot read: " + readFailure(e), e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new ModelException(source + ": more than " + MAX_FILE_BYTES + " bytes (expected: a model file of at most 1 MiB)");
        }
        try {
            return fromTree(readTree(JSON.createParser(bytes), source), source);
        } catch (IOException e) {
            throw notJson(source, e);
        }
    }

    /**
     * Parses the model in {@code json}; {@code source} starts every message (a file name, or a
     * label such as {@code <admin upload>}).
     *
     * @throws ModelException when {@code json} is not a valid model
     */
    public static LogisticModel parse(String json, String source) throws ModelException {
        requireNonNull(json, "json");
        requireNonNull(source, "source");
        // Editors on Windows may save a byte-order mark, which a JSON text may not start with.
        String text = json.startsWith("\uFEFF") ? json.substring(1) : json;
        try {
            return fromTree(readTree(JSON.createParser(text), source), source);
        } catch (IOException e) {
            throw notJson(source, e);
        }
    }

    /** What produced the model: its {@code version}, for the access log and the admin API. */
    public String version() {
        return version;
    }

    /** The free text the file describes the model with, empty when it has none. */
    public String description() {
        return description;
    }

    /** The names of the features the model uses, in its order. */
    public List<String> features() {
        return features;
    }

    /** Each feature's transform, {@code none} or {@code log1p}, in {@link #features()} order. */
    public List<String> transforms() {
        return transforms;
    }

    /**
     * The score of a client whose behaviour is {@code features}, from 0 to 1, never NaN. A NaN
     * value counts as 0 and {@code log1p} treats values below 0 as 0, so a broken feature cannot
     * break the score.
     *
     * @param features a full vector, {@link Features#COUNT} values indexed as {@link Features}
     */
    public double score(double[] features) {
        checkVector(features);
        double z = bias;
        for (int j = 0; j < indexes.length; j++) {
            z += term(j, features[indexes[j]]);
        }
        return sigmoid(z);
    }

    /**
     * Why {@code features} scores what it does: the {@code top} features that pushed the score up
     * most, largest {@link Contribution#contribution()} first (those that pulled it down come
     * last, ties in the model's feature order).
     *
     * @param top how many to give at most, 0 or more
     */
    public List<Contribution> explain(double[] features, int top) {
        checkVector(features);
        if (top < 0) {
            throw new IllegalArgumentException("top: " + top + " (expected: 0 or more)");
        }
        List<Contribution> all = new ArrayList<>(indexes.length);
        for (int j = 0; j < indexes.length; j++) {
            double value = features[indexes[j]];
            all.add(new Contribution(this.features.get(j), value, term(j, value)));
        }
        all.sort(Comparator.comparingDouble(Contribution::contribution).reversed());
        return List.copyOf(all.subList(0, Math.min(top, all.size())));
    }

    /**
     * The model as a file holds it: pretty-printed in the field order of the class comment, each
     * feature's transform, mean, scale and weight in the same column as its name, ending in a
     * newline. Numbers are written so that {@link #parse} reads back the same doubles.
     */
    public String toJson() {
        List<List<String>> rows = List.of(
                features.stream().map(LogisticModel::quote).toList(),
                transforms.stream().map(LogisticModel::quote).toList(),
                written(mean), written(scale), written(weights));
        int[] widths = new int[features.size()];
        for (List<String> row : rows) {
            for (int j = 0; j < widths.length; j++) {
                widths[j] = Math.max(widths[j], row.get(j).length());
            }
        }
        StringBuilder json = new StringBuilder(256 + 100 * widths.length);
        json.append("{\n");
        json.append("  \"format\": ").append(quote(FORMAT)).append(",\n");
        json.append("  \"version\": ").append(quote(version)).append(",\n");
        if (!description.isEmpty()) {
            json.append("  \"description\": ").append(quote(description)).append(",\n");
        }
        String[] names = {"\"features\": ", "\"transform\":", "\"mean\":     ", "\"scale\":    ", "\"weights\":  "};
        for (int r = 0; r < rows.size(); r++) {
            json.append("  ").append(names[r]).append(" [");
            List<String> row = rows.get(r);
            for (int j = 0; j < row.size(); j++) {
                String cell = row.get(j);
                json.append(cell);
                if (j < row.size() - 1) {
                    json.append(',').append(" ".repeat(widths[j] - cell.length() + 1));
                }
            }
            json.append("],\n");
        }
        json.append("  \"bias\":      ").append(Double.toString(bias)).append("\n}\n");
        return json.toString();
    }

    /**
     * Writes {@link #toJson()} to {@code file} so that a reader sees the old file or the new one,
     * never half of either: into a new file in the same directory, flushed to disk, then renamed
     * over {@code file}. Blocks on file I/O.
     */
    public void write(Path file) throws IOException {
        requireNonNull(file, "file");
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        // A name of our own rather than createTempFile: its owner-only permissions would stay on the model.
        Path temp = directory.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        ByteBuffer bytes = ByteBuffer.wrap(toJson().getBytes(StandardCharsets.UTF_8));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        // The rename itself is only durable once the directory is.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LogisticModel other)) {
            return false;
        }
        return version.equals(other.version) && description.equals(other.description)
                && features.equals(other.features) && transforms.equals(other.transforms)
                && Arrays.equals(mean, other.mean) && Arrays.equals(scale, other.scale)
                && Arrays.equals(weights, other.weights) && Double.compare(bias, other.bias) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, features, Arrays.hashCode(weights), bias);
    }

    @Override
    public String toString() {
        return "LogisticModel[" + version + ", " + features.size() + " features]";
    }

    // ---- scoring -------------------------------------------------------------------------

    private double term(int j, double x) {
        double value = Double.isNaN(x) ? 0 : x;
        if (log1p[j]) {
            value = Math.log1p(Math.max(value, 0));
        }
        double term = weights[j] * (value - mean[j]) / scale[j];
        if (Double.isNaN(term)) {
            return 0; // a zero weight times an infinite value: the feature does not count
        }
        return Math.max(-MAX_TERM, Math.min(MAX_TERM, term));
    }

    /** The logistic function, without overflowing exp for large |z|. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }

    private static void checkVector(double[] features) {
        requireNonNull(features, "features");
        if (features.length != Features.COUNT) {
            throw new IllegalArgumentException("features: " + features.length + " values (expected: " + Features.COUNT + ")");
        }
    }

    // ---- validation ----------------------------------------------------------------------

    /** Checks what both {@link #of} and a file must satisfy; the message leaves out the source. */
    private void validate() {
        if (version.isEmpty() || version.length() > MAX_VERSION_LENGTH || version.chars().anyMatch(Character::isISOControl)) {
            String shown = version.length() > MAX_VERSION_LENGTH ? version.length() + " characters" : quote(version);
            fail("version", shown, "1 to " + MAX_VERSION_LENGTH + " characters, none of them control characters");
        }
        int n = features.size();
        if (n == 0) {
            fail("features", "[]", "at least one of " + String.join(", ", Features.NAMES));
        }
        for (int j = 0; j < n; j++) {
            String name = features.get(j);
            if (Features.indexOf(name) < 0) {
                fail("features[" + j + "]", quote(name), "one of " + String.join(", ", Features.NAMES));
            }
            int first = features.indexOf(name);
            if (first < j) {
                fail("features[" + j + "]", quote(name), "each feature once, and features[" + first + "] is " + quote(name));
            }
        }
        checkLength("transform", transforms.size(), n);
        for (int j = 0; j < n; j++) {
            String transform = transforms.get(j);
            if (!NONE.equals(transform) && !LOG1P.equals(transform)) {
                fail("transform[" + j + "]", quote(transform), NONE + " or " + LOG1P);
            }
        }
        checkNumbers("mean", mean, n, false);
        checkNumbers("scale", scale, n, true);
        checkNumbers("weights", weights, n, false);
        if (!Double.isFinite(bias)) {
            fail("bias", number(bias), "a finite number");
        }
    }

    private static void checkLength(String field, int length, int features) {
        if (length != features) {
            fail(field, length + (length == 1 ? " value" : " values"), features + ", one per feature");
        }
    }

    private static void checkNumbers(String field, double[] values, int features, boolean positive) {
        checkLength(field, values.length, features);
        for (int j = 0; j < values.length; j++) {
            double v = values[j];
            if (!Double.isFinite(v) || (positive && v <= 0)) {
                fail(field + "[" + j + "]", number(v), positive ? "a finite number greater than 0" : "a finite number");
            }
        }
    }

    private static void fail(String field, String value, String expected) {
        throw new IllegalArgumentException(field + ": " + value + " (expected: " + expected + ")");
    }

    /** Negative zero reads back from JSON as zero; storing it as zero keeps toJson/parse exact. */
    private static double[] normalised(double[] values) {
        double[] copy = values.clone();
        for (int j = 0; j < copy.length; j++) {
            if (copy[j] == 0) {
                copy[j] = 0;
            }
        }
        return copy;
    }

    // ---- reading JSON --------------------------------------------------------------------

    /** The one JSON value the parser holds, or null when it holds none. */
    private static JsonNode readTree(JsonParser parser, String source) throws IOException, ModelException {
        try (parser) {
            JsonNode root = JSON.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                throw new ModelException(source + ": line " + parser.currentTokenLocation().getLineNr()
                        + ": not valid JSON (more after the end of the object)");
            }
            return root;
        }
    }

    private static LogisticModel fromTree(JsonNode root, String source) throws ModelException {
        if (root == null || root.isMissingNode()) {
            throw new ModelException(source + ": empty (expected: a JSON object with the keys " + String.join(", ", KEYS) + ")");
        }
        if (!root.isObject()) {
            throw new ModelException(source + ": " + render(root) + " (expected: a JSON object with the keys "
                    + String.join(", ", KEYS) + ")");
        }
        // The format first: a newer format's new keys should be reported as a newer format, not as typos.
        JsonNode format = root.get("format");
        if (format == null || !format.isTextual() || !FORMAT.equals(format.textValue())) {
            throw new ModelException(source + ": format: " + render(format) + " (expected: " + FORMAT + ")");
        }
        Iterator<String> keys = root.fieldNames();
        while (keys.hasNext()) {
            String key = keys.next();
            if (!KEYS.contains(key)) {
                throw new ModelException(source + ": " + key + ": unknown key (expected: one of " + String.join(", ", KEYS) + ")");
            }
        }
        for (String key : REQUIRED) {
            if (!root.has(key)) {
                throw new ModelException(source + ": " + key + ": missing (expected: " + expectation(key) + ")");
            }
        }
        String version = text(root, "version", source);
        String description = root.has("description") ? text(root, "description", source) : null;
        List<String> features = texts(root, "features", source);
        List<String> transforms = root.has("transform") ? texts(root, "transform", source) : null;
        double[] mean = numbers(root, "mean", source);
        double[] scale = numbers(root, "scale", source);
        double[] weights = numbers(root, "weights", source);
        double bias = finite(root.get("bias"), "bias", source);
        try {
            return new LogisticModel(version, description, features, transforms, mean, scale, weights, bias);
        } catch (IllegalArgumentException e) {
            throw new ModelException(source + ": " + e.getMessage());
        }
    }

    private static String expectation(String key) {
        return switch (key) {
            case "version", "description" -> "a string";
            case "features" -> "an array of feature names, each one of " + String.join(", ", Features.NAMES);
            case "transform" -> "an array of " + NONE + " or " + LOG1P + ", one per feature";
            case "mean", "weights" -> "an array of finite numbers, one per feature";
            case "scale" -> "an array of finite numbers greater than 0, one per feature";
            case "bias" -> "a finite number";
            default -> throw new IllegalArgumentException(key);
        };
    }

    private static String text(JsonNode root, String key, String source) throws ModelException {
        JsonNode node = root.get(key);
        if (!node.isTextual()) {
            throw new ModelException(source + ": " + key + ": " + render(node) + " (expected: " + expectation(key) + ")");
        }
        return node.textValue();
    }

    private static List<String> texts(JsonNode root, String key, String source) throws ModelException {
        JsonNode node = root.get(key);
        if (!node.isArray()) {
            throw new ModelException(source + ": " + key + ": " + render(node) + " (expected: " + expectation(key) + ")");
        }
        List<String> values = new ArrayList<>(node.size());
        for (int j = 0; j < node.size(); j++) {
            JsonNode item = node.get(j);
            if (!item.isTextual()) {
                String expected = key.equals("features") ? "one of " + String.join(", ", Features.NAMES) : NONE + " or " + LOG1P;
                throw new ModelException(source + ": " + key + "[" + j + "]: " + render(item) + " (expected: " + expected + ")");
            }
            values.add(item.textValue());
        }
        return values;
    }

    private static double[] numbers(JsonNode root, String key, String source) throws ModelException {
        JsonNode node = root.get(key);
        if (!node.isArray()) {
            throw new ModelException(source + ": " + key + ": " + render(node) + " (expected: " + expectation(key) + ")");
        }
        double[] values = new double[node.size()];
        for (int j = 0; j < values.length; j++) {
            values[j] = finite(node.get(j), key + "[" + j + "]", source);
        }
        return values;
    }

    private static double finite(JsonNode node, String field, String source) throws ModelException {
        double value = node.isNumber() ? node.doubleValue() : Double.NaN;
        if (!Double.isFinite(value)) {
            String expected = field.startsWith("scale") ? "a finite number greater than 0" : "a finite number";
            throw new ModelException(source + ": " + field + ": " + render(node) + " (expected: " + expected + ")");
        }
        return value;
    }

    private static ModelException notJson(String source, IOException e) {
        if (!(e instanceof JsonProcessingException json)) {
            return new ModelException(source + ": cannot read: " + readFailure(e), e);
        }
        String where = json.getLocation() == null ? "" : "line " + json.getLocation().getLineNr() + ": ";
        return new ModelException(source + ": " + where + "not valid JSON (" + plain(json.getOriginalMessage()) + ")", e);
    }

    /** Jackson's message without its advice to Java programmers and with its locations made short. */
    private static String plain(String message) {
        return oneLine(message)
                .replaceAll(": enable `[^`]*` to allow", "")
                .replaceAll("\\[Source: [^\\]]*; line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
    }

    private static String readFailure(IOException e) {
        String name = e.getClass().getSimpleName();
        // The other file-system messages repeat the path the source already shows.
        String reason = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
        return reason == null ? name : name + ": " + reason;
    }

    // ---- writing values ------------------------------------------------------------------

    /** A JSON value as a message shows it: strings quoted, anything else as compact JSON, cut short. */
    private static String render(JsonNode node) {
        if (node == null) {
            return "missing";
        }
        return shorten(node.isTextual() ? quote(node.textValue()) : node.toString());
    }

    private static String shorten(String text) {
        String line = oneLine(text);
        return line.length() <= MAX_SHOWN_VALUE ? line : line.substring(0, MAX_SHOWN_VALUE - 3) + "...";
    }

    private static String oneLine(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n");
    }

    private static String quote(String text) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
    }

    /** A double as a message shows it: whole numbers without {@code .0}, as a JSON file would have them. */
    private static String number(double value) {
        if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    private static List<String> written(double[] values) {
        List<String> texts = new ArrayList<>(values.length);
        for (double v : values) {
            texts.add(Double.toString(v));
        }
        return texts;
    }
}
