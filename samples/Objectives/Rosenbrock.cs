using System;

namespace DiffGen.Samples.Objectives;

/// <summary>Rosenbrock's banana function, in two dimensions and chained over a vector.</summary>
public static partial class Rosenbrock
{
    /// <summary>f(x, y) = (1 − x)² + 100 (y − x²)², minimal at (1, 1).</summary>
    /// <param name="x">The first coordinate.</param>
    /// <param name="y">The second coordinate.</param>
    /// <returns>The value.</returns>
    [Differentiable]
    public static double Value(double x, double y) => Math.Pow(1 - x, 2) + 100 * Math.Pow(y - x * x, 2);

    /// <summary>The chained (extended) Rosenbrock function Σ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², minimal at (1, ..., 1).</summary>
    /// <param name="x">The point.</param>
    /// <returns>The value.</returns>
    [Differentiable]
    public static double Chained(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            sum += 100 * a * a + b * b;
        }

        return sum;
    }
}
