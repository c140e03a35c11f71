package dev.pibl.scoring.train;

import static java.util.Objects.requireNonNull;

/**
 * Solves the small dense linear systems of the trainer's Newton steps: one system of at most
 * {@code Features.COUNT + 1} unknowns per iteration, so plain Gaussian elimination is cheap and
 * a linear-algebra library would be all weight and no gain. Stateless; any thread.
 */
final class LinearSystems {

    /**
     * A pivot this much smaller than the largest entry of its matrix means the matrix is singular
     * as far as doubles can tell: dividing by it would give a step of rounding noise.
     */
    private static final double SINGULAR = 1e-13;

    private LinearSystems() {
    }

    /**
     * The {@code x} with {@code a x = b}, by Gaussian elimination with partial pivoting (each
     * column's largest remaining entry becomes the pivot, which keeps the rounding error bounded
     * for any non-singular matrix, not just the positive definite ones Cholesky needs). Neither
     * argument is changed.
     *
     * @param a a square matrix, {@code a[row][column]}
     * @param b one value per row of {@code a}
     * @throws IllegalArgumentException when {@code a} is not square, {@code b} does not match it,
     *                                  or {@code a} is singular (or nearly so) or holds a non-finite value
     */
    static double[] solve(double[][] a, double[] b) {
        requireNonNull(a, "a");
        requireNonNull(b, "b");
        int n = b.length;
        if (a.length != n) {
            throw new IllegalArgumentException("a: " + a.length + " rows (expected: " + n + ", one per value of b)");
        }
        double[][] m = new double[n][];
        double largest = 0;
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("a[" + i + "]: " + a[i].length + " columns (expected: " + n + ")");
            }
            m[i] = new double[n + 1];
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
            for (int j = 0; j <= n; j++) {
                if (!Double.isFinite(m[i][j])) {
                    throw new IllegalArgumentException("a system with a non-finite value: " + m[i][j] + " in row " + i);
                }
                if (j < n) {
                    largest = Math.max(largest, Math.abs(m[i][j]));
                }
            }
        }
        for (int k = 0; k < n; k++) {
            int pivot = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.abs(m[i][k]) > Math.abs(m[pivot][k])) {
                    pivot = i;
                }
            }
            if (!(Math.abs(m[pivot][k]) > SINGULAR * largest)) {
                throw new IllegalArgumentException("a singular matrix (column " + k + " has no usable pivot)");
            }
            double[] swap = m[k];
            m[k] = m[pivot];
            m[pivot] = swap;
            for (int i = k + 1; i < n; i++) {
                double factor = m[i][k] / m[k][k];
                if (factor == 0) {
                    continue;
                }
                for (int j = k; j <= n; j++) {
                    m[i][j] -= factor * m[k][j];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = m[i][n];
            for (int j = i + 1; j < n; j++) {
                sum -= m[i][j] * x[j];
            }
            x[i] = sum / m[i][i];
        }
        return x;
    }
}
