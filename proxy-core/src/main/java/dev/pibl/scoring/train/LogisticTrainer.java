package dev.pibl.scoring.train;

import static java.util.Objects.requireNonNull;

import dev.pibl.scoring.Features;
import dev.pibl.scoring.LogisticModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Fits a {@link LogisticModel} to labelled vectors: transform each feature ({@code log1p} for
 * rates, byte rates, connections and gaps, none for ratios and {@code gap_cv}), standardise it
 * with the training part's mean and standard deviation, then minimise the class-weighted,
 * L2-regularised log-loss of {@link WeightedLogLoss} by Newton's method (iteratively reweighted
 * least squares).
 *
 * <p>Why Newton and a hand-written solver rather than a library: the problem has at most 18
 * parameters and is convex, so each iteration is one 18 × 18 linear solve
 * ({@link LinearSystems}) and a handful of iterations reach the optimum to machine precision.
 * Smile or Tribuo would bring tens of MB of jars, their own model formats to convert from, and
 * solvers whose stopping rules are theirs; this class, its loss and its solver are a few hundred
 * lines, tested against the optimum's defining property (a zero gradient). When a Newton step
 * does not lower the loss (far from the optimum, or a near-singular Hessian) the step is halved
 * until it does, and when the Hessian cannot be solved at all the step falls back to the
 * negative gradient, so every iteration lowers the loss (up to rounding).
 *
 * <p>A feature that is constant in the training part carries no information: it gets scale 1
 * and weight 0 (a scale of 0 would make an invalid model) and is left out of the optimisation.
 *
 * <p>Immutable; {@link #fit} runs on the caller's thread and may be called from several.
 */
public final class LogisticTrainer {

    /** A light penalty: enough to keep weights finite when the classes separate, too little to bias a real fit. */
    public static final double DEFAULT_LAMBDA = 1e-3;
    /** Newton needs about ten on real data; the limit only stops a pathological case. */
    public static final int DEFAULT_MAX_ITERATIONS = 100;
    /** Gradient norm at which the fit stops: the loss is then within about 1e-16 of its minimum. */
    public static final double DEFAULT_TOLERANCE = 1e-8;

    /**
     * Heavy-tailed counts and rates: a flooder's 300 requests per second would otherwise set the
     * scale for everyone, and a browsing client's 0.5 and 2 would look the same.
     */
    private static final Set<String> LOG1P_FEATURES = Set.of("rate_1s", "rate_10s", "rate_60s",
            "bytes_in_rate", "bytes_out_rate", "connections", "gap_mean", "gap_variance");
    /** Armijo's sufficient-decrease fraction: any decrease proportional to the step will do. */
    private static final double SUFFICIENT_DECREASE = 1e-4;
    /** 2^-60 of a step no longer moves a double; halving further is pointless. */
    private static final int MAX_HALVINGS = 60;

    private final List<String> features;
    private final int[] indexes;
    private final boolean[] log1p;
    private final double lambda;
    private final int maxIterations;
    private final double tolerance;
    private Weighting weighting = Weighting.VECTOR;

    /** A trainer with the default iteration limit and tolerance, every vector weighing the same. */
    public LogisticTrainer(List<String> features, double lambda) {
        this(features, lambda, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE);
    }

    /**
     * How the vectors of one class share its weight.
     */
    public enum Weighting {
        /** Every vector the same: a client that sent more requests weighs more. */
        VECTOR,
        /**
         * Every client the same, its vectors sharing its part: a flooder's thousands of late
         * vectors then do not drown its first few, which decide how soon it is caught, nor the
         * few vectors of the other abusive kinds.
         */
        CLIENT
    }

    /** This trainer with {@code weighting} (VECTOR by default). */
    public LogisticTrainer weighting(Weighting weighting) {
        this.weighting = requireNonNull(weighting, "weighting");
        return this;
    }

    /**
     * @param features      the features the model uses, in its order: some or all of {@link Features#NAMES}, each once
     * @param lambda        the L2 penalty on the weights, 0 or more
     * @param maxIterations Newton iterations at most, 1 or more
     * @param tolerance     stop once the gradient's Euclidean norm is at most this, greater than 0
     */
    public LogisticTrainer(List<String> features, double lambda, int maxIterations, double tolerance) {
        requireNonNull(features, "features");
        if (features.isEmpty()) {
            throw new IllegalArgumentException("features: [] (expected: at least one of " + String.join(", ", Features.NAMES) + ")");
        }
        Set<String> seen = new HashSet<>();
        for (String name : features) {
            if (Features.indexOf(name) < 0) {
                throw new IllegalArgumentException("features: " + name + " (expected: one of " + String.join(", ", Features.NAMES) + ")");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("features: " + name + " twice (expected: each feature once)");
            }
        }
        if (!(lambda >= 0 && Double.isFinite(lambda))) {
            throw new IllegalArgumentException("lambda: " + lambda + " (expected: a finite number, 0 or more)");
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations: " + maxIterations + " (expected: 1 or more)");
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance: " + tolerance + " (expected: greater than 0)");
        }
        this.features = List.copyOf(features);
        this.indexes = this.features.stream().mapToInt(Features::indexOf).toArray();
        this.log1p = new boolean[indexes.length];
        for (int j = 0; j < indexes.length; j++) {
            log1p[j] = LOG1P_FEATURES.contains(this.features.get(j));
        }
        this.lambda = lambda;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
    }

    /** The transform the trainer gives feature {@code name}: {@code log1p} or {@code none}. */
    public static String transformOf(String name) {
        requireNonNull(name, "name");
        return LOG1P_FEATURES.contains(name) ? "log1p" : "none";
    }

    /**
     * Fits a model to {@code training}.
     *
     * @param version     the model's {@code version}, as the access log will show it
     * @param description the model's free text: what it was trained on
     * @throws IllegalArgumentException when {@code training} lacks vectors of either label
     */
    public Fit fit(TrainingSet training, String version, String description) {
        requireNonNull(training, "training");
        requireNonNull(version, "version");
        List<TrainingSet.Sample> samples = training.samples();
        int n = samples.size();
        int m = features.size();
        double[][] values = new double[m][n];
        for (int i = 0; i < n; i++) {
            TrainingSet.Sample sample = samples.get(i);
            for (int j = 0; j < m; j++) {
                double value = sample.feature(indexes[j]);
                // As LogisticModel.score treats the value, so training and scoring see the same number.
                values[j][i] = log1p[j] ? Math.log1p(Math.max(value, 0)) : value;
            }
        }
        double[] mean = new double[m];
        double[] scale = new double[m];
        List<Integer> active = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            mean[j] = n == 0 ? 0 : mean(values[j]);
            double sd = standardDeviation(values[j], mean[j]);
            boolean constant = !(sd > 0);
            scale[j] = constant ? 1 : sd;
            if (!constant) {
                active.add(j);
            }
        }
        int d = active.size();
        double[] rows = new double[n * d];
        boolean[] labels = new boolean[n];
        for (int i = 0; i < n; i++) {
            labels[i] = samples.get(i).abusive();
            for (int a = 0; a < d; a++) {
                int j = active.get(a);
                rows[i * d + a] = (values[j][i] - mean[j]) / scale[j];
            }
        }
        double[] rowWeights = null;
        if (weighting == Weighting.CLIENT) {
            java.util.Map<String, Integer> perClient = new java.util.HashMap<>();
            for (TrainingSet.Sample sample : samples) {
                perClient.merge(sample.key(), 1, Integer::sum);
            }
            rowWeights = new double[n];
            for (int i = 0; i < n; i++) {
                rowWeights[i] = 1.0 / perClient.get(samples.get(i).key());
            }
        }
        Optimum optimum = minimise(new WeightedLogLoss(rows, labels, rowWeights, d, lambda));
        double[] weights = new double[m];
        for (int a = 0; a < d; a++) {
            weights[active.get(a)] = optimum.theta()[a];
        }
        List<String> transforms = features.stream().map(LogisticTrainer::transformOf).toList();
        LogisticModel model = LogisticModel.of(version, description, features, transforms, mean, scale, weights,
                optimum.theta()[d]);
        List<String> constant = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            if (!active.contains(j)) {
                constant.add(features.get(j));
            }
        }
        return new Fit(model, mean, scale, weights, optimum, constant);
    }

    /** Where {@link #minimise} stopped, and why. */
    record Optimum(double[] theta, int iterations, double loss, double gradientNorm, boolean converged) {
    }

    /** Newton's method with step halving, from all zeros (every score 0.5). */
    Optimum minimise(WeightedLogLoss objective) {
        double[] theta = new double[objective.parameters()];
        WeightedLogLoss.State state = objective.state(theta);
        int iterations = 0;
        while (norm(state.gradient()) > tolerance && iterations < maxIterations) {
            double[] direction = newtonDirection(state);
            double slope = dot(state.gradient(), direction);
            double[] next = null;
            // Near the optimum a Newton step lowers the loss by less than rounding can show (the
            // gradient still shrinks quadratically), so a few ulps of apparent increase are let through.
            double slack = 4 * Math.ulp(state.loss());
            for (double step = 1; next == null && step >= Math.scalb(1.0, -MAX_HALVINGS); step /= 2) {
                double[] candidate = theta.clone();
                for (int k = 0; k < candidate.length; k++) {
                    candidate[k] += step * direction[k];
                }
                if (objective.loss(candidate) <= state.loss() + SUFFICIENT_DECREASE * step * slope + slack) {
                    next = candidate;
                }
            }
            iterations++;
            if (next == null) {
                // Not even a tiny step goes downhill: as close to the optimum as doubles allow.
                break;
            }
            theta = next;
            state = objective.state(theta);
        }
        double gradientNorm = norm(state.gradient());
        return new Optimum(theta, iterations, state.loss(), gradientNorm, gradientNorm <= tolerance);
    }

    private static double[] newtonDirection(WeightedLogLoss.State state) {
        double[] negative = state.gradient().clone();
        for (int k = 0; k < negative.length; k++) {
            negative[k] = -negative[k];
        }
        try {
            double[] direction = LinearSystems.solve(state.hessian(), negative);
            if (dot(direction, negative) > 0) {
                return direction;
            }
        } catch (IllegalArgumentException singular) {
            // Falls through to steepest descent: slower, but it still goes downhill.
        }
        return negative;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Population standard deviation, 0 when every value is the same (exactly, not within rounding). */
    private static double standardDeviation(double[] values, double mean) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double squares = 0;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            squares += (v - mean) * (v - mean);
        }
        return values.length == 0 || min == max ? 0 : Math.sqrt(squares / values.length);
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += a[k] * b[k];
        }
        return sum;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /**
     * A fitted model and how the fit went. Immutable.
     */
    public static final class Fit {

        private final LogisticModel model;
        private final double[] mean;
        private final double[] scale;
        private final double[] weights;
        private final Optimum optimum;
        private final List<String> constantFeatures;

        private Fit(LogisticModel model, double[] mean, double[] scale, double[] weights, Optimum optimum,
                List<String> constantFeatures) {
            this.model = model;
            this.mean = mean;
            this.scale = scale;
            this.weights = weights;
            this.optimum = optimum;
            this.constantFeatures = List.copyOf(constantFeatures);
        }

        /** The model, ready to {@link LogisticModel#write}. */
        public LogisticModel model() {
            return model;
        }

        /** The weights in the model's feature order; 0 for a constant feature. */
        public double[] weights() {
            return weights.clone();
        }

        public double bias() {
            return optimum.theta()[optimum.theta().length - 1];
        }

        /** Newton iterations taken. */
        public int iterations() {
            return optimum.iterations();
        }

        /** The minimised loss: class-weighted mean log-loss plus the penalty. */
        public double loss() {
            return optimum.loss();
        }

        /** The gradient's Euclidean norm where the fit stopped. */
        public double gradientNorm() {
            return optimum.gradientNorm();
        }

        /** Whether the gradient norm reached the tolerance; false means the weights are not the optimum. */
        public boolean converged() {
            return optimum.converged();
        }

        /** Features that had one value throughout the training part, and so weight 0. */
        public List<String> constantFeatures() {
            return constantFeatures;
        }

        /**
         * How the fit went and the weights table (feature, transform, mean, scale, weight; the
         * mean and scale are of the transformed value), for a person reading the terminal.
         */
        public String toText() {
            StringBuilder text = new StringBuilder();
            text.append(String.format(Locale.ROOT, "fit: %d Newton iteration%s, loss %.6f, gradient norm %.1e, %s%n",
                    iterations(), iterations() == 1 ? "" : "s", loss(), gradientNorm(),
                    converged() ? "converged" : "NOT converged"));
            text.append(String.format(Locale.ROOT, "  %-20s %-9s %10s %10s %10s%n", "feature", "transform", "mean", "scale", "weight"));
            List<String> names = model.features();
            for (int j = 0; j < names.size(); j++) {
                String note = constantFeatures.contains(names.get(j)) ? "  (constant in training)" : "";
                text.append(String.format(Locale.ROOT, "  %-20s %-9s %10.4f %10.4f %10.4f%s%n", names.get(j),
                        model.transforms().get(j), mean[j], scale[j], weights[j], note));
            }
            text.append(String.format(Locale.ROOT, "  %-20s %-9s %10s %10s %10.4f%n", "bias", "", "", "", bias()));
            return text.toString();
        }
    }
}
