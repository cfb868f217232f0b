using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using DiffGen.Samples.Objectives;

namespace DiffGen.Benchmarks.Gradients;

/// <summary>
/// For each objective: the function's value (the baseline: the Ratio column is gradient time over value time), the
/// gradient DiffGen generates, and a careful hand-written gradient.
/// </summary>
[MemoryDiagnoser]
public class RosenbrockBenchmarks
{
    private double _x = -1.2;
    private double _y = 1.0;

    [Benchmark(Baseline = true)]
    public double Value() => Rosenbrock.Value(_x, _y);

    [Benchmark]
    public double Generated() => Rosenbrock.ValueWithGradient(_x, _y, out double dx, out double dy) + dx + dy;

    [Benchmark]
    public double HandWritten() => Gradients.HandWritten.Rosenbrock(_x, _y, out double dx, out double dy) + dx + dy;
}

[MemoryDiagnoser]
public class ChainedRosenbrockBenchmarks
{
    private readonly double[] _x = new double[1000];
    private readonly double[] _gradient = new double[1000];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = random.NextDouble() * 2 - 1;
        }

        double generated = Generated();
        double[] expected = [.. _gradient];
        double handWritten = HandWritten();
        Agreement.Check("chained Rosenbrock", generated, handWritten, expected, _gradient);
    }

    [Benchmark(Baseline = true)]
    public double Value() => Rosenbrock.Chained(_x);

    [Benchmark]
    public double Generated() => Rosenbrock.ChainedWithGradient(_x, _gradient);

    [Benchmark]
    public double HandWritten() => Gradients.HandWritten.Chained(_x, _gradient);
}

[MemoryDiagnoser]
public class GaussianMixtureBenchmarks
{
    private GmmInput _input = null!;
    private double[] _dAlphas = null!;
    private double[] _dMeans = null!;
    private double[] _dIcf = null!;

    /// <summary>ADBench inputs (relative to the shared data folder).</summary>
    [Params("1k/gmm_d2_K5.txt", "10k/gmm_d2_K5.txt", "1k/gmm_d10_K5.txt")]
    public string Input { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _input = GmmInput.Load(Path.Combine(SharedData.Folder, "adbench", "data", "gmm", Input));
        _dAlphas = new double[_input.K];
        _dMeans = new double[_input.K * _input.D];
        _dIcf = new double[_input.Icf.Length];

        // The baseline must compute the same gradient, or the comparison means nothing.
        double generated = Generated();
        double[] expected = [.. _dAlphas, .. _dMeans, .. _dIcf];
        double handWritten = HandWritten();
        double[] actual = [.. _dAlphas, .. _dMeans, .. _dIcf];
        Agreement.Check("GMM " + Input, generated, handWritten, expected, actual);
    }

    [Benchmark(Baseline = true)]
    public double Value() => GaussianMixture.Objective(_input.Alphas, _input.Means, _input.Icf, _input.X, _input.D, _input.K, _input.Gamma, _input.M);

    [Benchmark]
    public double Generated() => GaussianMixture.ObjectiveWithGradient(
        _input.Alphas, _input.Means, _input.Icf, _input.X, _input.D, _input.K, _input.Gamma, _input.M, _dAlphas, _dMeans, _dIcf);

    [Benchmark]
    public double HandWritten() => Gradients.HandWritten.GaussianMixture(
        _input.Alphas, _input.Means, _input.Icf, _input.X, _input.D, _input.K, _input.Gamma, _input.M, _dAlphas, _dMeans, _dIcf);
}

/// <summary>Fails a benchmark run whose baseline computes a different gradient.</summary>
internal static class Agreement
{
    public static void Check(string what, double value, double baselineValue, double[] gradient, double[] baselineGradient)
    {
        double scale = 1;
        foreach (double g in gradient)
        {
            scale = Math.Max(scale, Math.Abs(g));
        }

        bool same = Math.Abs(value - baselineValue) <= 1e-10 * Math.Max(1, Math.Abs(value));
        for (int i = 0; i < gradient.Length; i++)
        {
            same &= Math.Abs(gradient[i] - baselineGradient[i]) <= 1e-10 * scale;
        }

        if (!same)
        {
            throw new InvalidOperationException($"The hand-written gradient of the {what} does not match the generated one.");
        }
    }
}

/// <summary>Finds the shared data folder: <c>DIFFGEN_SHARED</c>, else <c>../shared</c> above the working folder, else /work/shared.</summary>
internal static class SharedData
{
    public static string Folder { get; } = Find();

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("DIFFGEN_SHARED") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "adbench")))
            {
                return candidate;
            }
        }

        return "/work/shared";
    }
}
