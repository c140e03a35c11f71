package dev.pibl.scoring.train;

import static java.util.Objects.requireNonNull;

/**
 * The function {@link LogisticTrainer} minimises, over parameters {@code theta = (w[0..d-1], b)}
 * and standardised rows {@code x[i]} with labels {@code y[i]}:
 *
 * <pre>
 * L(theta) = (1/n) Σi c[i] · logloss(y[i], b + w·x[i]) + (lambda/2) · |w|²
 * </pre>
 *
 * where {@code c[i] = n / (2 · n_class(i))}, so each class weighs half whatever its size: the
 * first term is the mean of the benign vectors' mean loss and the abusive vectors' mean loss.
 * Without it a set of 95 % benign vectors would teach "nobody is abusive". The bias is left
 * out of the penalty, since shrinking it would pull every score toward 0.5 rather than make the
 * model simpler. Dividing by n keeps lambda's meaning independent of how much data there is.
 *
 * <p>Convex, with a positive definite Hessian for {@code lambda > 0} wherever the classes are
 * not perfectly separated. Not thread-safe; one training at a time.
 */
final class WeightedLogLoss {

    /** The loss, gradient and Hessian at one point. */
    record State(double loss, double[] gradient, double[][] hessian) {
    }

    private final double[] x;
    private final boolean[] y;
    private final double[] c;
    private final int n;
    private final int d;
    private final double lambda;

    /**
     * @param rows   n rows of d standardised values each, row by row ({@code rows[i * d + j]})
     * @param labels n labels, true for abusive
     */
    WeightedLogLoss(double[] rows, boolean[] labels, int d, double lambda) {
        this(rows, labels, null, d, lambda);
    }

    /**
     * @param rowWeights each row's weight within its class before the classes are balanced (a
     *                   client's rows can share its one unit of weight), or null for 1 each
     */
    WeightedLogLoss(double[] rows, boolean[] labels, double[] rowWeights, int d, double lambda) {
        requireNonNull(rows, "rows");
        requireNonNull(labels, "labels");
        this.n = labels.length;
        if (rows.length != (long) n * d) {
            throw new IllegalArgumentException("rows: " + rows.length + " values (expected: " + n + " rows of " + d + ")");
        }
        int positives = 0;
        for (boolean label : labels) {
            positives += label ? 1 : 0;
        }
        if (positives == 0 || positives == n) {
            throw new IllegalArgumentException("labels: " + (positives == 0 ? "no abusive" : "no benign")
                    + " vectors (expected: both classes)");
        }
        this.x = rows;
        this.y = labels;
        this.d = d;
        this.lambda = lambda;
        if (rowWeights != null && rowWeights.length != n) {
            throw new IllegalArgumentException("rowWeights: " + rowWeights.length + " values (expected: " + n + ")");
        }
        // Each class carries half of the total weight n, shared among its rows by their own weights.
        double positiveSum = 0;
        double negativeSum = 0;
        for (int i = 0; i < n; i++) {
            double w = rowWeights == null ? 1 : rowWeights[i];
            if (labels[i]) {
                positiveSum += w;
            } else {
                negativeSum += w;
            }
        }
        this.c = new double[n];
        for (int i = 0; i < n; i++) {
            double w = rowWeights == null ? 1 : rowWeights[i];
            c[i] = w * n / (2.0 * (labels[i] ? positiveSum : negativeSum));
        }
    }

    /** How many parameters: d weights and the bias, last. */
    int parameters() {
        return d + 1;
    }

    double loss(double[] theta) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double z = z(theta, i);
            sum += c[i] * softplus(y[i] ? -z : z);
        }
        return sum / n + penalty(theta);
    }

    State state(double[] theta) {
        double sum = 0;
        double[] gradient = new double[d + 1];
        double[][] hessian = new double[d + 1][d + 1];
        double[] row = new double[d + 1];
        row[d] = 1;
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, i * d, row, 0, d);
            double z = z(theta, i);
            sum += c[i] * softplus(y[i] ? -z : z);
            double p = sigmoid(z);
            double g = c[i] * (p - (y[i] ? 1 : 0));
            double h = c[i] * p * (1 - p);
            for (int a = 0; a <= d; a++) {
                gradient[a] += g * row[a];
                double ha = h * row[a];
                // The upper triangle only; the lower is mirrored below.
                for (int b = a; b <= d; b++) {
                    hessian[a][b] += ha * row[b];
                }
            }
        }
        for (int a = 0; a <= d; a++) {
            gradient[a] /= n;
            for (int b = a; b <= d; b++) {
                hessian[a][b] /= n;
                hessian[b][a] = hessian[a][b];
            }
            if (a < d) {
                gradient[a] += lambda * theta[a];
                hessian[a][a] += lambda;
            }
        }
        return new State(sum / n + penalty(theta), gradient, hessian);
    }

    private double z(double[] theta, int i) {
        double z = theta[d];
        int offset = i * d;
        for (int j = 0; j < d; j++) {
            z += theta[j] * x[offset + j];
        }
        return z;
    }

    private double penalty(double[] theta) {
        double squares = 0;
        for (int j = 0; j < d; j++) {
            squares += theta[j] * theta[j];
        }
        return lambda / 2 * squares;
    }

    /** {@code ln(1 + e^z)} without overflow for large z or lost precision for very negative z. */
    static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }
}
