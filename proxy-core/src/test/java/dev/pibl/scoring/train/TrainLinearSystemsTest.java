package dev.pibl.scoring.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link LinearSystems#solve}: the Newton step's solver. */
class TrainLinearSystemsTest {

    @Test
    void solvesAKnownSystemThatNeedsARowSwap() {
        // A zero in the first pivot position: without pivoting this divides by zero.
        double[][] a = {{0, 2, 1}, {1, -2, -3}, {-1, 1, 2}};
        double[] b = {-8, 0, 3}; // from x = (-4, -5, 2), worked out by hand

        double[] x = LinearSystems.solve(a, b);

        assertThat(x).containsExactly(new double[] {-4, -5, 2}, within(1e-12));
    }

    @Test
    void leavesItsArgumentsAlone() {
        double[][] a = {{2, 1}, {1, 3}};
        double[] b = {3, 5};

        LinearSystems.solve(a, b);

        assertThat(a[0]).containsExactly(2, 1);
        assertThat(a[1]).containsExactly(1, 3);
        assertThat(b).containsExactly(3, 5);
    }

    @Test
    void solvesAnEighteenByEighteenHessianShapedSystemToRoundingError() {
        // X^T X + I: symmetric positive definite like a Newton step's Hessian, of the largest size used.
        Random random = new Random(7);
        int n = 18;
        double[][] rows = new double[40][n];
        for (double[] row : rows) {
            for (int j = 0; j < n; j++) {
                row[j] = random.nextGaussian() * (j + 1);
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (double[] row : rows) {
                    a[i][j] += row[i] * row[j];
                }
            }
            a[i][i] += 1;
        }
        double[] expected = new double[n];
        for (int j = 0; j < n; j++) {
            expected[j] = random.nextGaussian();
        }
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                b[i] += a[i][j] * expected[j];
            }
        }

        assertThat(LinearSystems.solve(a, b)).containsExactly(expected, within(1e-9));
    }

    @Test
    void refusesASingularMatrix() {
        double[][] a = {{1, 2}, {2, 4}};

        assertThatThrownBy(() -> LinearSystems.solve(a, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("singular");
    }

    @Test
    void refusesMismatchedShapesAndNonFiniteValues() {
        assertThatThrownBy(() -> LinearSystems.solve(new double[][] {{1, 2}}, new double[] {1}))
                .hasMessage("a[0]: 2 columns (expected: 1)");
        assertThatThrownBy(() -> LinearSystems.solve(new double[][] {{1}}, new double[] {1, 2}))
                .hasMessage("a: 1 rows (expected: 2, one per value of b)");
        assertThatThrownBy(() -> LinearSystems.solve(new double[][] {{Double.NaN}}, new double[] {1}))
                .hasMessageContaining("non-finite");
    }
}
