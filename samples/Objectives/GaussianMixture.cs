using System;
using System.Globalization;
using System.IO;

namespace DiffGen.Samples.Objectives;

/// <summary>
/// The log-likelihood of a Gaussian mixture model with a Wishart prior, as ADBench defines it (Srajer, Kukelova and
/// Fitzgibbon, 2018): the standard test of automatic differentiation on a realistic objective. Written once, in plain
/// C#; DiffGen generates <see cref="ObjectiveWithGradient"/>.
/// </summary>
/// <remarks>
/// Component k has log-weight <c>alphas[k]</c>, mean <c>means[k·d .. k·d+d)</c> and inverse-covariance factor
/// <c>icf[k·t .. k·t+t)</c> with <c>t = d(d+1)/2</c>: first the logarithms of the diagonal, then the strictly lower
/// triangle column by column. Points are <c>x[i·d .. i·d+d)</c>.
/// </remarks>
public static partial class GaussianMixture
{
    /// <summary>π as ADBench's reference code truncates it, so that values match its published ones.</summary>
    public const double Pi = 3.14159265359;

    /// <summary>The ADBench GMM objective.</summary>
    /// <param name="alphas">k log-weights.</param>
    /// <param name="means">k·d means, component by component.</param>
    /// <param name="icf">k·d(d+1)/2 inverse-covariance factors.</param>
    /// <param name="x">n·d points.</param>
    /// <param name="d">The dimension.</param>
    /// <param name="k">The number of components.</param>
    /// <param name="gamma">The Wishart prior's γ.</param>
    /// <param name="m">The Wishart prior's m.</param>
    /// <returns>The log-likelihood with the prior.</returns>
    [Differentiable]
    public static double Objective(
        ReadOnlySpan<double> alphas, ReadOnlySpan<double> means, ReadOnlySpan<double> icf,
        [NoDiff] ReadOnlySpan<double> x, [NoDiff] int d, [NoDiff] int k, [NoDiff] double gamma, [NoDiff] int m)
    {
        int n = x.Length / d;
        int triangle = d * (d + 1) / 2;
        Span<double> sumQ = stackalloc double[k];
        Span<double> qDiagonal = stackalloc double[k * d];
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

        double total = 0;
        for (int i = 0; i < n; i++)
        {
            total += PointLogLikelihood(x.Slice(i * d, d), alphas, means, icf, qDiagonal, sumQ, d);
        }

        double prior = 0;
        for (int c = 0; c < k; c++)
        {
            double frobenius = 0;
            for (int j = 0; j < d; j++)
            {
                frobenius += qDiagonal[c * d + j] * qDiagonal[c * d + j];
            }

            for (int j = d; j < triangle; j++)
            {
                frobenius += icf[c * triangle + j] * icf[c * triangle + j];
            }

            prior += 0.5 * gamma * gamma * frobenius - m * sumQ[c];
        }

        double constant = -n * d * 0.5 * Math.Log(2 * Pi);
        return constant + total - n * LogSumExp(alphas) + prior - k * WishartConstant(d, gamma, m);
    }

    /// <summary>
    /// The log-likelihood of one point under the mixture (before the constant): log Σₖ exp(αₖ + Σ qₖ − ½‖Qₖ(x − μₖ)‖²).
    /// </summary>
    /// <param name="point">The point (d numbers).</param>
    /// <param name="alphas">k log-weights.</param>
    /// <param name="means">k·d means.</param>
    /// <param name="icf">k·d(d+1)/2 inverse-covariance factors.</param>
    /// <param name="qDiagonal">k·d diagonal entries exp(q) of the factors.</param>
    /// <param name="sumQ">k sums of the log-diagonals.</param>
    /// <param name="d">The dimension.</param>
    /// <returns>The point's log-likelihood.</returns>
    [Differentiable]
    public static double PointLogLikelihood(
        [NoDiff] ReadOnlySpan<double> point, ReadOnlySpan<double> alphas, ReadOnlySpan<double> means, ReadOnlySpan<double> icf,
        ReadOnlySpan<double> qDiagonal, ReadOnlySpan<double> sumQ, [NoDiff] int d)
    {
        int k = alphas.Length;
        int triangle = d * (d + 1) / 2;
        Span<double> centered = stackalloc double[d];
        Span<double> transformed = stackalloc double[d];
        Span<double> mainTerm = stackalloc double[k];
        for (int c = 0; c < k; c++)
        {
            for (int j = 0; j < d; j++)
            {
                centered[j] = point[j] - means[c * d + j];
            }

            // Q·(x - μ) with Q lower triangular: diagonal exp(q), then the lower triangle column by column.
            for (int j = 0; j < d; j++)
            {
                transformed[j] = qDiagonal[c * d + j] * centered[j];
            }

            int lower = c * triangle + d;
            for (int col = 0; col < d; col++)
            {
                for (int row = col + 1; row < d; row++)
                {
                    transformed[row] += icf[lower] * centered[col];
                    lower++;
                }
            }

            double squaredNorm = 0;
            for (int j = 0; j < d; j++)
            {
                squaredNorm += transformed[j] * transformed[j];
            }

            mainTerm[c] = alphas[c] + sumQ[c] - 0.5 * squaredNorm;
        }

        return LogSumExp(mainTerm);
    }

    /// <summary>log Σ exp(v), with the maximum subtracted first so that nothing overflows.</summary>
    /// <param name="v">The values.</param>
    /// <returns>The log-sum-exp.</returns>
    [Differentiable]
    public static double LogSumExp(ReadOnlySpan<double> v)
    {
        double max = v[0];
        for (int i = 1; i < v.Length; i++)
        {
            max = Math.Max(max, v[i]);
        }

        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += Math.Exp(v[i] - max);
        }

        return Math.Log(sum) + max;
    }

    /// <summary>The Wishart prior's normalising constant (no parameter enters it).</summary>
    /// <param name="d">The dimension.</param>
    /// <param name="gamma">γ.</param>
    /// <param name="m">m.</param>
    /// <returns>The constant C of the prior.</returns>
    public static double WishartConstant(int d, double gamma, int m)
    {
        int nn = d + m + 1;
        double logGammaMultivariate = 0.25 * d * (d - 1) * Math.Log(Pi);
        for (int j = 1; j <= d; j++)
        {
            logGammaMultivariate += LogGamma(0.5 * nn + 0.5 * (1 - j));
        }

        return nn * d * (Math.Log(gamma) - 0.5 * Math.Log(2)) - logGammaMultivariate;
    }

    /// <summary>ln Γ(z) for z &gt; 0 (Lanczos approximation, g = 7, 9 terms; about 15 significant digits).</summary>
    /// <param name="z">The argument.</param>
    /// <returns>ln Γ(z).</returns>
    public static double LogGamma(double z)
    {
        if (z < 0.5)
        {
            // Reflection: Γ(z)Γ(1-z) = π / sin(πz).
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * z))) - LogGamma(1 - z);
        }

        ReadOnlySpan<double> coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        z -= 1;
        double a = coefficients[0];
        double t = z + 7.5;
        for (int i = 1; i < 9; i++)
        {
            a += coefficients[i] / (z + i);
        }

        return 0.5 * Math.Log(2 * Math.PI) + (z + 0.5) * Math.Log(t) - t + Math.Log(a);
    }
}

/// <summary>An ADBench GMM input file: <c>d k n</c>, alphas, means, icf, points, then <c>gamma m</c>.</summary>
/// <param name="D">The dimension.</param>
/// <param name="K">The number of components.</param>
/// <param name="N">The number of points.</param>
/// <param name="Alphas">k log-weights.</param>
/// <param name="Means">k·d means.</param>
/// <param name="Icf">k·d(d+1)/2 inverse-covariance factors.</param>
/// <param name="X">n·d points.</param>
/// <param name="Gamma">The Wishart prior's γ.</param>
/// <param name="M">The Wishart prior's m.</param>
public sealed record GmmInput(int D, int K, int N, double[] Alphas, double[] Means, double[] Icf, double[] X, double Gamma, int M)
{
    /// <summary>Reads an ADBench GMM file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The input.</returns>
    /// <exception cref="InvalidDataException">The file is not a GMM input.</exception>
    public static GmmInput Load(string path)
    {
        var tokens = File.ReadAllText(path).Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        int at = 0;
        double Next()
        {
            if (at >= tokens.Length)
            {
                throw new InvalidDataException($"{path}: the file ends after {at} numbers; a GMM input needs more.");
            }

            return double.Parse(tokens[at++], NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        double[] Read(int count)
        {
            var values = new double[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = Next();
            }

            return values;
        }

        int d = (int)Next();
        int k = (int)Next();
        int n = (int)Next();
        var alphas = Read(k);
        var means = Read(k * d);
        var icf = Read(k * d * (d + 1) / 2);
        var x = Read(n * d);
        double gamma = Next();
        int m = (int)Next();
        return new GmmInput(d, k, n, alphas, means, icf, x, gamma, m);
    }
}
