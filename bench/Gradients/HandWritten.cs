using System;
using DiffGen.Samples.Objectives;

namespace DiffGen.Benchmarks.Gradients;

/// <summary>
/// Careful hand-written gradients of the same functions, the baseline DiffGen's generated code is measured against:
/// what an engineer would write from the chain rule, in one pass where one pass suffices.
/// </summary>
public static class HandWritten
{
    /// <summary>Rosenbrock and its gradient, with the same calls to <see cref="Math.Pow(double, double)"/> as the function.</summary>
    public static double Rosenbrock(double x, double y, out double dx, out double dy)
    {
        double u = 1 - x;
        double v = y - x * x;
        dy = 200 * v;
        dx = -2 * u - 400 * x * v;
        return Math.Pow(u, 2) + 100 * Math.Pow(v, 2);
    }

    /// <summary>The chained Rosenbrock function and its gradient, in one pass.</summary>
    public static double Chained(ReadOnlySpan<double> x, Span<double> dx)
    {
        dx.Clear();
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            sum += 100 * a * a + b * b;
            dx[i] += -400 * a * x[i] - 2 * b;
            dx[i + 1] += 200 * a;
        }

        return sum;
    }

    /// <summary>
    /// The ADBench GMM objective and its gradient (alphas, means, icf), in one pass over the points: for each point,
    /// the responsibilities r_k = softmax_k(main_k) weight each component's partial derivatives.
    /// </summary>
    public static double GaussianMixture(
        ReadOnlySpan<double> alphas, ReadOnlySpan<double> means, ReadOnlySpan<double> icf, ReadOnlySpan<double> x,
        int d, int k, double gamma, int m, Span<double> dAlphas, Span<double> dMeans, Span<double> dIcf)
    {
        int n = x.Length / d;
        int triangle = d * (d + 1) / 2;
        dAlphas.Clear();
        dMeans.Clear();
        dIcf.Clear();

        Span<double> qDiagonal = stackalloc double[k * d];
        Span<double> sumQ = stackalloc double[k];
        for (int c = 0; c < k; c++)
        {
            double s = 0;
            for (int j = 0; j < d; j++)
            {
                s += icf[c * triangle + j];
                qDiagonal[c * d + j] = Math.Exp(icf[c * triangle + j]);
            }

            sumQ[c] = s;
        }

        Span<double> centered = stackalloc double[k * d];
        Span<double> transformed = stackalloc double[k * d];
        Span<double> main = stackalloc double[k];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var point = x.Slice(i * d, d);
            double max = double.NegativeInfinity;
            for (int c = 0; c < k; c++)
            {
                var z = centered.Slice(c * d, d);
                var y = transformed.Slice(c * d, d);
                var mean = means.Slice(c * d, d);
                for (int j = 0; j < d; j++)
                {
                    z[j] = point[j] - mean[j];
                    y[j] = qDiagonal[c * d + j] * z[j];
                }

                int lower = c * triangle + d;
                for (int col = 0; col < d; col++)
                {
                    for (int row = col + 1; row < d; row++)
                    {
                        y[row] += icf[lower++] * z[col];
                    }
                }

                double squaredNorm = 0;
                for (int j = 0; j < d; j++)
                {
                    squaredNorm += y[j] * y[j];
                }

                main[c] = alphas[c] + sumQ[c] - 0.5 * squaredNorm;
                max = Math.Max(max, main[c]);
            }

            double sum = 0;
            for (int c = 0; c < k; c++)
            {
                main[c] = Math.Exp(main[c] - max);
                sum += main[c];
            }

            total += Math.Log(sum) + max;

            // Responsibilities, and each component's share of the gradient.
            for (int c = 0; c < k; c++)
            {
                double r = main[c] / sum;
                dAlphas[c] += r;
                var z = centered.Slice(c * d, d);
                var y = transformed.Slice(c * d, d);
                int qBase = c * triangle;
                for (int j = 0; j < d; j++)
                {
                    // main = ... + q_j - ½|y|², y_j = e^{q_j} z_j + ...: ∂/∂q_j = 1 - y_j e^{q_j} z_j.
                    dIcf[qBase + j] += r * (1 - y[j] * qDiagonal[c * d + j] * z[j]);
                    // ∂main/∂μ = Qᵀy (diagonal part here, the lower triangle below).
                    dMeans[c * d + j] += r * qDiagonal[c * d + j] * y[j];
                }

                int lower = qBase + d;
                for (int col = 0; col < d; col++)
                {
                    for (int row = col + 1; row < d; row++)
                    {
                        dIcf[lower] -= r * y[row] * z[col];
                        dMeans[c * d + col] += r * icf[lower] * y[row];
                        lower++;
                    }
                }
            }
        }

        // - n · logsumexp(alphas)
        double alphaMax = double.NegativeInfinity;
        for (int c = 0; c < k; c++)
        {
            alphaMax = Math.Max(alphaMax, alphas[c]);
        }

        double alphaSum = 0;
        for (int c = 0; c < k; c++)
        {
            alphaSum += Math.Exp(alphas[c] - alphaMax);
        }

        for (int c = 0; c < k; c++)
        {
            dAlphas[c] -= n * Math.Exp(alphas[c] - alphaMax) / alphaSum;
        }

        // The Wishart prior: ½γ²(Σ e^{2q} + Σ l²) - m Σ q.
        double prior = 0;
        double g2 = gamma * gamma;
        for (int c = 0; c < k; c++)
        {
            double frobenius = 0;
            for (int j = 0; j < d; j++)
            {
                double e = qDiagonal[c * d + j];
                frobenius += e * e;
                dIcf[c * triangle + j] += g2 * e * e - m;
            }

            for (int j = d; j < triangle; j++)
            {
                double l = icf[c * triangle + j];
                frobenius += l * l;
                dIcf[c * triangle + j] += g2 * l;
            }

            prior += 0.5 * g2 * frobenius - m * sumQ[c];
        }

        double constant = -n * d * 0.5 * Math.Log(2 * DiffGen.Samples.Objectives.GaussianMixture.Pi);
        return constant + total - n * (Math.Log(alphaSum) + alphaMax) + prior - k * DiffGen.Samples.Objectives.GaussianMixture.WishartConstant(d, gamma, m);
    }
}
