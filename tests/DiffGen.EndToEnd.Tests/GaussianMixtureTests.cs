using System.Globalization;
using DiffGen.Samples.Objectives;

namespace DiffGen.EndToEnd.Tests;

/// <summary>The ADBench GMM objective: values and gradients against ADBench's own golden values and finite differences.</summary>
public class GaussianMixtureTests
{
    private static double Value(GmmInput g, double[] alphas, double[] means, double[] icf) =>
        GaussianMixture.Objective(alphas, means, icf, g.X, g.D, g.K, g.Gamma, g.M);

    private static double Gradient(GmmInput g, double[] alphas, double[] means, double[] icf, Span<double> gradient) =>
        GaussianMixture.ObjectiveWithGradient(alphas, means, icf, g.X, g.D, g.K, g.Gamma, g.M,
            gradient[..g.K], gradient.Slice(g.K, g.K * g.D), gradient[(g.K + g.K * g.D)..]);

    [Fact]
    public void Value_and_gradient_match_ADBench_golden_values()
    {
        var input = GmmInput.Load(Paths.AdBench("data", "gmm", "test.txt"));
        var golden = File.ReadAllLines(Paths.AdBench("golden_from_repo_tests", "gmm_test_golden.txt"))
            .Where(l => !l.StartsWith('#') && l.Length > 0)
            .Select(l => l.Split(' '))
            .ToList();
        double expectedValue = double.Parse(golden.Single(p => p[0] == "objective")[1], CultureInfo.InvariantCulture);
        var expectedGradient = golden.Where(p => int.TryParse(p[0], out _)).Select(p => double.Parse(p[1], CultureInfo.InvariantCulture)).ToArray();

        var gradient = new double[expectedGradient.Length];
        double value = Gradient(input, input.Alphas, input.Means, input.Icf, gradient);

        // ADBench checks its tools against these to 1e-8 (absolute).
        Assert.Equal(expectedValue, value, 1e-8);
        Assert.Equal(expectedValue, Value(input, input.Alphas, input.Means, input.Icf), 1e-8);
        for (int i = 0; i < gradient.Length; i++)
        {
            Assert.True(Math.Abs(expectedGradient[i] - gradient[i]) <= 1e-8, $"component {i}: expected {expectedGradient[i]:R}, got {gradient[i]:R}");
        }
    }

    [Theory]
    [InlineData("1k/gmm_d2_K5.txt")]
    [InlineData("1k/gmm_d10_K5.txt")]
    public void Gradient_matches_finite_differences_on_ADBench_inputs(string file)
    {
        var input = GmmInput.Load(Paths.AdBench(["data", "gmm", .. file.Split('/')]));
        int k = input.K;
        int kd = input.K * input.D;
        double[] point = [.. input.Alphas, .. input.Means, .. input.Icf];
        Check.Gradient(
            p => Value(input, p[..k].ToArray(), p.Slice(k, kd).ToArray(), p[(k + kd)..].ToArray()),
            (p, g) => Gradient(input, p[..k].ToArray(), p.Slice(k, kd).ToArray(), p[(k + kd)..].ToArray(), g),
            point,
            Check.Options with { Points = 2, DirectionsPerPoint = 4, CheckCoordinates = false, Spread = 0.1 });
    }
}
