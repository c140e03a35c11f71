package dev.pibl.scoring.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pibl.scoring.Features;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Labelled feature vectors to train and evaluate a model on: PIBL's feature export (one vector
 * per client per scoring refresh) joined on the client key with the simulator's labels (one
 * line per client).
 *
 * <p>Every vector keeps its client's key, because one client's vectors are near copies of each
 * other: a held-out part that shares clients with the training part grades the model on
 * vectors it has practically seen. {@link #split} therefore splits by client.
 *
 * <p>Reading is forgiving line by line and strict about files: a line that is not JSON, or has
 * no key or no complete feature vector, is counted, its first few problems are kept for the
 * report, and reading goes on; a file that cannot be read stops everything. Vectors of clients
 * without a label are dropped as they are read (and counted), so memory holds only what trains.
 *
 * <p>Immutable once loaded; loading blocks on file I/O and runs on the caller's thread.
 */
public final class TrainingSet {

    /** The label of a well-behaved client. */
    public static final String BENIGN = "benign";
    /** The label of an abusive client. */
    public static final String ABUSIVE = "abusive";

    /** Enough examples to see what is wrong, not so many that the report drowns in them. */
    static final int MAX_PROBLEMS = 5;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final List<Sample> samples;
    private final LoadReport report;

    /**
     * One client's feature vector at one moment, with the client's label.
     * Immutable: the values are copied in and out.
     */
    public static final class Sample {

        private final String key;
        private final String kind;
        private final boolean abusive;
        private final double[] features;
        private final long requests;

        /** A sample whose request count is unknown. */
        public Sample(String key, String kind, boolean abusive, double[] features) {
            this(key, kind, abusive, features, -1);
        }

        /**
         * @param requests the client's request count when the vector was taken, -1 when unknown
         * @param key      the client key the vector and label were joined on
         * @param kind     the simulator's client kind ({@code flooder}, ...), empty when unknown
         * @param abusive  the label: true for {@code abusive}, false for {@code benign}
         * @param features {@link Features#COUNT} finite values indexed as {@link Features}
         */
        public Sample(String key, String kind, boolean abusive, double[] features, long requests) {
            this.requests = requests;
            this.key = requireNonNull(key, "key");
            this.kind = requireNonNull(kind, "kind");
            this.abusive = abusive;
            requireNonNull(features, "features");
            if (features.length != Features.COUNT) {
                throw new IllegalArgumentException("features: " + features.length + " values (expected: " + Features.COUNT + ")");
            }
            this.features = features.clone();
            for (int j = 0; j < this.features.length; j++) {
                if (!Double.isFinite(this.features[j])) {
                    throw new IllegalArgumentException("features[" + j + "]: " + this.features[j] + " (expected: a finite number)");
                }
            }
        }

        public String key() {
            return key;
        }

        /** The client's request count when the vector was taken, -1 when unknown. */
        public long requests() {
            return requests;
        }

        public String kind() {
            return kind;
        }

        public boolean abusive() {
            return abusive;
        }

        /** The value of feature {@code index} (a {@link Features} constant), without copying the vector. */
        public double feature(int index) {
            return features[index];
        }

        /** A copy of the whole vector, as {@link dev.pibl.scoring.LogisticModel#score} takes it. */
        public double[] features() {
            return features.clone();
        }
    }

    /**
     * What loading found besides the samples; all zero for a set that was not loaded from files.
     *
     * @param featureLines        non-blank lines read from the features files
     * @param skippedLines        features lines skipped as unusable
     * @param unlabelledVectors   vectors dropped because their client has no label
     * @param unlabelledClients   distinct clients among those
     * @param labelLines          non-blank lines read from the labels file
     * @param skippedLabelLines   labels lines skipped as unusable or contradicting an earlier one
     * @param labelledClients     clients with a label
     * @param clientsWithoutVectors labelled clients that have no vector in the features files
     * @param problems            the first few problems, each {@code file:line: what}
     */
    public record LoadReport(long featureLines, long skippedLines, long unlabelledVectors, int unlabelledClients,
            long labelLines, long skippedLabelLines, int labelledClients, int clientsWithoutVectors, List<String> problems) {

        public LoadReport {
            problems = List.copyOf(problems);
        }

        static final LoadReport NONE = new LoadReport(0, 0, 0, 0, 0, 0, 0, 0, List.of());
    }

    /** A set cut in two by client, as {@link #split} makes it. */
    public record Split(TrainingSet training, TrainingSet heldOut) {

        public Split {
            requireNonNull(training, "training");
            requireNonNull(heldOut, "heldOut");
        }
    }

    private TrainingSet(List<Sample> samples, LoadReport report) {
        this.samples = List.copyOf(samples);
        this.report = report;
    }

    /** A set of these samples, in this order. */
    public static TrainingSet of(List<Sample> samples) {
        requireNonNull(samples, "samples");
        return new TrainingSet(samples, LoadReport.NONE);
    }

    /**
     * Reads the labels file, then the features files in order, keeping the vectors of labelled
     * clients. Blocks on file I/O.
     *
     * @param featureFiles PIBL's feature export, rotated parts in any order, each plain or gzip
     * @param labelsFile   the simulator's labels, plain or gzip
     * @throws IOException when a file cannot be read; the message starts with the file's name
     */
    public static TrainingSet load(List<Path> featureFiles, Path labelsFile) throws IOException {
        requireNonNull(featureFiles, "featureFiles");
        requireNonNull(labelsFile, "labelsFile");
        Loader loader = new Loader();
        JsonLines.read(labelsFile, (number, text) -> loader.label(labelsFile, number, text));
        for (Path file : featureFiles) {
            requireNonNull(file, "featureFiles[]");
            JsonLines.read(file, (number, text) -> loader.vector(file, number, text));
        }
        return loader.result();
    }

    /**
     * Every benign sample, and the abusive samples taken from their client's 2nd to its
     * {@code maxRequests}-th request (those of unknown count kept).
     *
     * <ul>
     *   <li>An abusive client's early requests decide how soon it is caught, and its thousands of
     *       later vectors (a flood's) would drown them.</li>
     *   <li>A benign client must stay trusted at any point, so all of its vectors count.</li>
     *   <li>A first request's vector shows that one request only: every kind of client looks
     *       alike there, and labelled abusive it would teach the model to distrust every new
     *       client.</li>
     * </ul>
     */
    public TrainingSet upToRequest(long maxRequests) {
        List<Sample> kept = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            if (!s.abusive() || s.requests() < 0 || s.requests() >= 2 && s.requests() <= maxRequests) {
                kept.add(s);
            }
        }
        return new TrainingSet(kept, report);
    }

    /** The samples, in the order they were read. */
    public List<Sample> samples() {
        return samples;
    }

    /** What loading found besides the samples. */
    public LoadReport report() {
        return report;
    }

    /** How many vectors have label {@code abusive} (true) or {@code benign} (false). */
    public int vectors(boolean abusive) {
        return (int) samples.stream().filter(s -> s.abusive() == abusive).count();
    }

    /** How many distinct clients have label {@code abusive} (true) or {@code benign} (false). */
    public int clients(boolean abusive) {
        return (int) samples.stream().filter(s -> s.abusive() == abusive).map(Sample::key).distinct().count();
    }

    /**
     * Cuts the set by client: about {@code holdout} of each label's clients, all their vectors
     * with them, go to the held-out part, the rest to the training part. The same set and seed
     * give the same split whatever order the files listed the clients in (the clients are sorted
     * before the seeded shuffle). A label with two clients or more keeps at least one in each
     * part when {@code holdout} is above 0; a label with a single client keeps it for training.
     *
     * @param holdout the share of each label's clients to hold out, from 0 (none) to below 1
     */
    public Split split(double holdout, long seed) {
        if (!(holdout >= 0 && holdout < 1)) {
            throw new IllegalArgumentException("holdout: " + holdout + " (expected: from 0 to below 1)");
        }
        Random random = new Random(seed);
        Set<String> heldOutKeys = new HashSet<>();
        for (boolean abusive : new boolean[] {false, true}) {
            List<String> keys = new ArrayList<>(new TreeSet<>(samples.stream()
                    .filter(s -> s.abusive() == abusive).map(Sample::key).toList()));
            Collections.shuffle(keys, random);
            heldOutKeys.addAll(keys.subList(0, heldOutCount(keys.size(), holdout)));
        }
        List<Sample> training = new ArrayList<>();
        List<Sample> heldOut = new ArrayList<>();
        for (Sample sample : samples) {
            (heldOutKeys.contains(sample.key()) ? heldOut : training).add(sample);
        }
        return new Split(new TrainingSet(training, LoadReport.NONE), new TrainingSet(heldOut, LoadReport.NONE));
    }

    static int heldOutCount(int clients, double holdout) {
        if (holdout == 0 || clients < 2) {
            return 0;
        }
        long count = Math.round(holdout * clients);
        return (int) Math.max(1, Math.min(clients - 1, count));
    }

    /** The mutable state of one {@link #load}. */
    private static final class Loader {

        private record Label(String key, String kind, boolean abusive, long line) {
        }

        private final Map<String, Label> labels = new HashMap<>();
        private final List<Sample> samples = new ArrayList<>();
        private final Set<String> clientsSeen = new HashSet<>();
        private final Set<String> unlabelledClients = new HashSet<>();
        private final List<String> problems = new ArrayList<>();
        private long featureLines;
        private long skippedLines;
        private long unlabelledVectors;
        private long labelLines;
        private long skippedLabelLines;

        void label(Path file, long number, String text) {
            if (text.isBlank()) {
                return;
            }
            labelLines++;
            String problem = parseLabel(text, number);
            if (problem != null) {
                skippedLabelLines++;
                problem(file, number, problem);
            }
        }

        /** Why {@code root} is not a JSON object with a client key, or null when it is one. */
        private String notKeyedObject(JsonNode root) {
            if (root == null) {
                return "not valid JSON";
            }
            if (!root.isObject()) {
                return shown(root) + " (expected: a JSON object)";
            }
            if (key(root) == null) {
                return "key: " + shown(root.get("key")) + " (expected: the client key, a non-empty string)";
            }
            return null;
        }

        private String parseLabel(String text, long number) {
            JsonNode root = parse(text);
            String notKeyed = notKeyedObject(root);
            if (notKeyed != null) {
                return notKeyed;
            }
            String key = key(root);
            JsonNode label = root.get("label");
            boolean abusive;
            if (label != null && ABUSIVE.equals(label.textValue())) {
                abusive = true;
            } else if (label != null && BENIGN.equals(label.textValue())) {
                abusive = false;
            } else {
                return "label: " + shown(label) + " (expected: " + BENIGN + " or " + ABUSIVE + ")";
            }
            JsonNode kind = root.get("kind");
            Label parsed = new Label(key, kind != null && kind.isTextual() ? kind.textValue() : "", abusive, number);
            Label earlier = labels.putIfAbsent(key, parsed);
            if (earlier != null && earlier.abusive() != abusive) {
                return "key " + key + ": label " + (abusive ? ABUSIVE : BENIGN) + ", but line " + earlier.line()
                        + " said " + (earlier.abusive() ? ABUSIVE : BENIGN) + " (kept that one)";
            }
            return null;
        }

        void vector(Path file, long number, String text) {
            if (text.isBlank()) {
                return;
            }
            featureLines++;
            String problem = parseVector(text);
            if (problem != null) {
                skippedLines++;
                problem(file, number, problem);
            }
        }

        private String parseVector(String text) {
            JsonNode root = parse(text);
            String notKeyed = notKeyedObject(root);
            if (notKeyed != null) {
                return notKeyed;
            }
            String key = key(root);
            JsonNode values = root.get("features");
            if (values == null || !values.isObject()) {
                return "features: " + shown(values) + " (expected: an object with the " + Features.COUNT + " feature values)";
            }
            double[] vector = new double[Features.COUNT];
            for (int j = 0; j < Features.COUNT; j++) {
                String name = Features.NAMES.get(j);
                JsonNode value = values.get(name);
                if (value == null || !value.isNumber() || !Double.isFinite(value.doubleValue())) {
                    return "features." + name + ": " + shown(value) + " (expected: a finite number)";
                }
                vector[j] = value.doubleValue();
            }
            Label label = labels.get(key);
            if (label == null) {
                unlabelledVectors++;
                unlabelledClients.add(key);
                return null;
            }
            clientsSeen.add(label.key());
            // The label's key, not the line's: one String per client instead of one per vector.
            JsonNode requests = root.get("requests");
            long count = requests != null && requests.canConvertToLong() ? requests.longValue() : -1;
            samples.add(new Sample(label.key(), label.kind(), label.abusive(), vector, count));
            return null;
        }

        private void problem(Path file, long number, String problem) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(file + ":" + number + ": " + problem);
            }
        }

        TrainingSet result() {
            LoadReport report = new LoadReport(featureLines, skippedLines, unlabelledVectors, unlabelledClients.size(),
                    labelLines, skippedLabelLines, labels.size(), labels.size() - clientsSeen.size(), problems);
            return new TrainingSet(samples, report);
        }

        /** The JSON value of a line, or null when it is not valid JSON. */
        private static JsonNode parse(String text) {
            try {
                return JSON.readTree(text);
            } catch (JacksonException e) {
                return null;
            }
        }

        private static String key(JsonNode root) {
            JsonNode key = root.get("key");
            return key != null && key.isTextual() && !key.textValue().isEmpty() ? key.textValue() : null;
        }

        private static String shown(JsonNode node) {
            if (node == null) {
                return "missing";
            }
            String text = node.toString();
            return text.length() <= 40 ? text : text.substring(0, 37) + "...";
        }
    }
}
