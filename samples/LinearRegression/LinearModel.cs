using System;

namespace DiffGen.Samples.LinearRegression;

/// <summary>The model h(x) = θ·x + b and the lesson's loss J(θ) = 1/(2m) Σ (h(x) − y)².</summary>
public static partial class LinearModel
{
    /// <summary>The mean squared error (halved) of the model <paramref name="theta"/> on a batch.</summary>
    /// <param name="theta">The weights, then the bias: <paramref name="features"/> + 1 numbers.</param>
    /// <param name="xs">The batch's inputs, row by row.</param>
    /// <param name="ys">The batch's targets.</param>
    /// <param name="features">The number of inputs per sample.</param>
    /// <returns>J(θ) on the batch.</returns>
    [Differentiable]
    public static double Loss(ReadOnlySpan<double> theta, [NoDiff] ReadOnlySpan<double> xs, [NoDiff] ReadOnlySpan<double> ys, [NoDiff] int features)
    {
        int m = ys.Length;
        double sum = 0;
        for (int i = 0; i < m; i++)
        {
            double h = theta[features];
            for (int j = 0; j < features; j++)
            {
                h += theta[j] * xs[i * features + j];
            }

            double error = h - ys[i];
            sum += error * error;
        }

        return sum / (2 * m);
    }

    /// <summary>
    /// The exact minimizer θ* of J, from the normal equations (X̃ᵀX̃) θ = X̃ᵀy with X̃ = [X, 1]: the target that
    /// gradient descent approaches. J(θ*) is the best any θ can do on these samples (about noise² / 2).
    /// </summary>
    /// <param name="xs">All inputs, row by row.</param>
    /// <param name="ys">All targets.</param>
    /// <param name="features">The number of inputs per sample.</param>
    /// <returns>θ*: the weights, then the bias.</returns>
    public static double[] LeastSquares(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, int features)
    {
        int n = features + 1;
        var a = new double[n, n + 1];   // [X̃ᵀX̃ | X̃ᵀy]
        Span<double> row = stackalloc double[n];
        for (int i = 0; i < ys.Length; i++)
        {
            xs.Slice(i * features, features).CopyTo(row);
            row[features] = 1;
            for (int r = 0; r < n; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    a[r, c] += row[r] * row[c];
                }

                a[r, n] += row[r] * ys[i];
            }
        }

        // Gaussian elimination with partial pivoting: n is small (d + 1).
        for (int k = 0; k < n; k++)
        {
            int pivot = k;
            for (int r = k + 1; r < n; r++)
            {
                if (Math.Abs(a[r, k]) > Math.Abs(a[pivot, k]))
                {
                    pivot = r;
                }
            }

            for (int c = 0; c <= n; c++)
            {
                (a[k, c], a[pivot, c]) = (a[pivot, c], a[k, c]);
            }

            for (int r = k + 1; r < n; r++)
            {
                double factor = a[r, k] / a[k, k];
                for (int c = k; c <= n; c++)
                {
                    a[r, c] -= factor * a[k, c];
                }
            }
        }

        var theta = new double[n];
        for (int k = n - 1; k >= 0; k--)
        {
            double sum = a[k, n];
            for (int c = k + 1; c < n; c++)
            {
                sum -= a[k, c] * theta[c];
            }

            theta[k] = sum / a[k, k];
        }

        return theta;
    }
}
