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
}
