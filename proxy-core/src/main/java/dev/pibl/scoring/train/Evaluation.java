package dev.pibl.scoring.train;

import static java.util.Objects.requireNonNull;

import dev.pibl.scoring.LogisticModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How well a model's scores separate abusive from benign on vectors it was not trained on:
 * ROC AUC over all vectors, and at each threshold a confusion matrix with its precision, recall
 * and accuracy, plus what matters to an operator, per client: how many abusive clients got at
 * least one score at or above the threshold (detected), and how many benign ones did (falsely
 * flagged). A client is scored many times, and one high score is enough to move it to another
 * tier, so the per-client rates are the ones to watch.
 *
 * <p>"Positive" means abusive throughout. Immutable.
 *
 * @param vectors     vectors scored
 * @param auc         the ROC AUC: the chance that a random abusive vector scores higher than a
 *                    random benign one, ties counting half; NaN when a class is missing
 * @param confusions  the figures at each threshold asked for, in the order asked
 */
public record Evaluation(int vectors, double auc, List<Confusion> confusions) {

    /** Kinds by name; a kind name the simulator used for both labels appears twice, benign first. */
    private static final Comparator<KindCount> KIND_ORDER =
            Comparator.comparing(KindCount::kind).thenComparing(KindCount::abusive);

    public Evaluation {
        confusions = List.copyOf(confusions);
    }

    /**
     * The figures at one threshold: a vector is scored abusive when its score is at or above it.
     *
     * @param kinds per client kind (the simulator's {@code flooder}, {@code browser}, ...) how
     *              many clients were flagged, sorted by kind; empty when the labels had no kinds
     */
    public record Confusion(double threshold, long truePositives, long falsePositives, long trueNegatives,
            long falseNegatives, int abusiveClients, int detectedClients, int benignClients, int flaggedBenignClients,
            List<KindCount> kinds) {

        public Confusion {
            kinds = List.copyOf(kinds);
        }

        /** Of the vectors scored abusive, the share that are; NaN when none was. */
        public double precision() {
            return ratio(truePositives, truePositives + falsePositives);
        }

        /** Of the abusive vectors, the share scored abusive; NaN when there are none. */
        public double recall() {
            return ratio(truePositives, truePositives + falseNegatives);
        }

        public double accuracy() {
            return ratio(truePositives + trueNegatives, truePositives + trueNegatives + falsePositives + falseNegatives);
        }

        /** Of the benign vectors, the share scored abusive. */
        public double falsePositiveRate() {
            return ratio(falsePositives, falsePositives + trueNegatives);
        }

        /** Of the abusive clients, the share with at least one vector at or above the threshold. */
        public double clientDetectionRate() {
            return ratio(detectedClients, abusiveClients);
        }

        /** Of the benign clients, the share with at least one vector at or above the threshold. */
        public double clientFalsePositiveRate() {
            return ratio(flaggedBenignClients, benignClients);
        }
    }

    /** Clients of one kind and how many of them were flagged. */
    public record KindCount(String kind, boolean abusive, int clients, int flagged) {

        public KindCount {
            requireNonNull(kind, "kind");
        }
    }

    /**
     * Scores every vector of {@code heldOut} with {@code model} and evaluates the scores.
     *
     * @param thresholds one or more, each from 0 to 1; repeats are evaluated once
     */
    public static Evaluation of(LogisticModel model, TrainingSet heldOut, double... thresholds) {
        requireNonNull(model, "model");
        requireNonNull(heldOut, "heldOut");
        List<TrainingSet.Sample> samples = heldOut.samples();
        double[] scores = new double[samples.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = model.score(samples.get(i).features());
        }
        return of(samples, scores, thresholds);
    }

    /** Evaluates given scores: {@code scores[i]} is the score of {@code samples.get(i)}. */
    public static Evaluation of(List<TrainingSet.Sample> samples, double[] scores, double... thresholds) {
        requireNonNull(samples, "samples");
        requireNonNull(scores, "scores");
        requireNonNull(thresholds, "thresholds");
        if (scores.length != samples.size()) {
            throw new IllegalArgumentException("scores: " + scores.length + " (expected: " + samples.size() + ", one per sample)");
        }
        if (thresholds.length == 0) {
            throw new IllegalArgumentException("thresholds: none (expected: at least one)");
        }
        boolean[] abusive = new boolean[scores.length];
        for (int i = 0; i < abusive.length; i++) {
            abusive[i] = samples.get(i).abusive();
        }
        Set<Double> distinct = new LinkedHashSet<>();
        for (double threshold : thresholds) {
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("threshold: " + threshold + " (expected: from 0 to 1)");
            }
            distinct.add(threshold);
        }
        List<Confusion> confusions = new ArrayList<>();
        for (double threshold : distinct) {
            confusions.add(confusion(samples, scores, threshold));
        }
        return new Evaluation(scores.length, auc(scores, abusive), confusions);
    }

    /**
     * The exact ROC AUC of {@code scores} for the labels {@code positive}: the Mann-Whitney
     * statistic, the share of (positive, negative) pairs where the positive scores higher, a
     * tie counting half. Computed by sorting each class's scores, O(n log n).
     *
     * @return NaN when either class is missing
     */
    public static double auc(double[] scores, boolean[] positive) {
        requireNonNull(scores, "scores");
        requireNonNull(positive, "positive");
        if (scores.length != positive.length) {
            throw new IllegalArgumentException("positive: " + positive.length + " (expected: " + scores.length + ", one per score)");
        }
        int p = 0;
        for (boolean b : positive) {
            p += b ? 1 : 0;
        }
        double[] positives = new double[p];
        double[] negatives = new double[scores.length - p];
        for (int i = 0, a = 0, b = 0; i < scores.length; i++) {
            if (positive[i]) {
                positives[a++] = scores[i];
            } else {
                negatives[b++] = scores[i];
            }
        }
        if (positives.length == 0 || negatives.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(positives);
        Arrays.sort(negatives);
        double wins = 0;
        int below = 0;
        int atOrBelow = 0;
        for (double score : positives) {
            while (below < negatives.length && negatives[below] < score) {
                below++;
            }
            while (atOrBelow < negatives.length && negatives[atOrBelow] <= score) {
                atOrBelow++;
            }
            wins += below + 0.5 * (atOrBelow - below);
        }
        return wins / ((double) positives.length * negatives.length);
    }

    /** The figures at {@code threshold}, which must be one of those evaluated. */
    public Confusion at(double threshold) {
        return confusions.stream().filter(c -> c.threshold() == threshold).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("threshold: " + threshold + " (expected: one of "
                        + confusions.stream().map(c -> Double.toString(c.threshold())).toList() + ")"));
    }

    private static Confusion confusion(List<TrainingSet.Sample> samples, double[] scores, double threshold) {
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        Map<String, Boolean> flagged = new HashMap<>();
        Map<String, TrainingSet.Sample> clients = new HashMap<>();
        for (int i = 0; i < scores.length; i++) {
            TrainingSet.Sample sample = samples.get(i);
            boolean high = scores[i] >= threshold;
            if (sample.abusive()) {
                tp += high ? 1 : 0;
                fn += high ? 0 : 1;
            } else {
                fp += high ? 1 : 0;
                tn += high ? 0 : 1;
            }
            flagged.merge(sample.key(), high, Boolean::logicalOr);
            clients.putIfAbsent(sample.key(), sample);
        }
        int abusiveClients = 0;
        int detected = 0;
        int benignClients = 0;
        int falselyFlagged = 0;
        Map<KindCount, int[]> byKind = new TreeMap<>(KIND_ORDER);
        for (Map.Entry<String, TrainingSet.Sample> client : clients.entrySet()) {
            TrainingSet.Sample sample = client.getValue();
            boolean high = flagged.get(client.getKey());
            if (sample.abusive()) {
                abusiveClients++;
                detected += high ? 1 : 0;
            } else {
                benignClients++;
                falselyFlagged += high ? 1 : 0;
            }
            if (!sample.kind().isEmpty()) {
                int[] counts = byKind.computeIfAbsent(new KindCount(sample.kind(), sample.abusive(), 0, 0), k -> new int[2]);
                counts[0]++;
                counts[1] += high ? 1 : 0;
            }
        }
        List<KindCount> kinds = new ArrayList<>();
        byKind.forEach((kind, counts) -> kinds.add(new KindCount(kind.kind(), kind.abusive(), counts[0], counts[1])));
        return new Confusion(threshold, tp, fp, tn, fn, abusiveClients, detected, benignClients, falselyFlagged, kinds);
    }

    /** The evaluation as a few lines of text for a terminal, indented by two spaces. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "  ROC AUC  %s%n", figure(auc)));
        for (Confusion c : confusions) {
            text.append(String.format(Locale.ROOT, "  at threshold %s:%n", threshold(c.threshold())));
            text.append(String.format(Locale.ROOT, "    %-18s %15s %15s%n", "", "scored abusive", "scored benign"));
            text.append(String.format(Locale.ROOT, "    %-18s %,15d %,15d%n", "abusive vectors", c.truePositives(), c.falseNegatives()));
            text.append(String.format(Locale.ROOT, "    %-18s %,15d %,15d%n", "benign vectors", c.falsePositives(), c.trueNegatives()));
            text.append(String.format(Locale.ROOT, "    precision %s  recall %s  accuracy %s  false-positive rate %s%n",
                    figure(c.precision()), figure(c.recall()), figure(c.accuracy()), figure(c.falsePositiveRate())));
            text.append(String.format(Locale.ROOT, "    abusive clients detected  %d of %d (%s)%n",
                    c.detectedClients(), c.abusiveClients(), percent(c.clientDetectionRate())));
            text.append(String.format(Locale.ROOT, "    benign clients flagged    %d of %d (%s)%n",
                    c.flaggedBenignClients(), c.benignClients(), percent(c.clientFalsePositiveRate())));
            for (KindCount kind : c.kinds()) {
                text.append(String.format(Locale.ROOT, "      %-24s %d of %d flagged%n",
                        kind.kind() + " (" + (kind.abusive() ? TrainingSet.ABUSIVE : TrainingSet.BENIGN) + ")",
                        kind.flagged(), kind.clients()));
            }
        }
        return text.toString();
    }

    private static String figure(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static String percent(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * value);
    }

    private static String threshold(double value) {
        return Double.toString(value).replaceAll("\\.?0+$", "");
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }
}
