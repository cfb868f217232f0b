using System.Globalization;
using System.Reflection;
using DiffGen.Generator.Tests.Support;
using Xunit.Abstractions;

namespace DiffGen.Generator.Tests;

/// <summary>
/// Random differentiable programs, generated, compiled and checked against finite differences. CI runs a few hundred
/// with a fixed seed; set <c>DIFFGEN_PROPERTY_PROGRAMS</c> (and <c>DIFFGEN_PROPERTY_SEED</c>) to run thousands.
/// </summary>
public class PropertyTests(ITestOutputHelper output)
{
    public delegate double Program(double[] x, double p0, double p1);

    public delegate double ProgramWithGradient(double[] x, double p0, double p1, Span<double> dx, out double dp0, out double dp1);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;

    [Fact]
    public void Random_programs_have_gradients_that_match_finite_differences()
    {
        int total = Setting("DIFFGEN_PROPERTY_PROGRAMS", 300);
        int seed = Setting("DIFFGEN_PROPERTY_SEED", 20261125);
        const int perBatch = 100;
        int checkedPrograms = 0;
        int unverifiable = 0;
        var failures = new List<string>();

        for (int batch = 0; batch * perBatch < total; batch++)
        {
            int count = Math.Min(perBatch, total - batch * perBatch);
            var programs = new RandomPrograms(seed + batch);
            string className = "Batch" + batch.ToString(CultureInfo.InvariantCulture);
            string source = programs.Class(className, count);
            var assembly = GeneratorHarness.Build(source);
            var type = assembly.GetType("RandomPrograms." + className)!;
            var random = new Random(seed + batch);
            for (int p = 0; p < count; p++)
            {
                string name = "P" + p.ToString(CultureInfo.InvariantCulture);
                var f = type.GetMethod(name)!.CreateDelegate<Program>();
                var g = type.GetMethod(name + "WithGradient")!.CreateDelegate<ProgramWithGradient>();
                int n = 3 + random.Next(3);
                var start = Enumerable.Range(0, n + 2).Select(_ => random.NextDouble() * 1.6 - 0.8).ToArray();
                var result = GradCheck.Run(
                    v => f(v[..n].ToArray(), v[n], v[n + 1]),
                    (v, grad) => g(v[..n].ToArray(), v[n], v[n + 1], grad[..n], out grad[n], out grad[n + 1]),
                    start,
                    new GradCheckOptions { Points = 4, DirectionsPerPoint = 3, CheckCoordinates = false, Spread = 0.3, Tolerance = 1e-6, Seed = seed + p });
                if (result.Checks == 0)
                {
                    unverifiable++;
                }
                else if (!result.Passed)
                {
                    failures.Add($"{className}.{name}: {result}\n{ExtractProgram(source, name)}");
                }

                checkedPrograms++;
            }
        }

        output.WriteLine($"{checkedPrograms} programs, {unverifiable} with no smooth point found, {failures.Count} failures (seed {seed}).");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(3)));
        Assert.True(unverifiable <= checkedPrograms / 20, $"{unverifiable} of {checkedPrograms} programs could not be checked anywhere.");
    }

    private static string ExtractProgram(string source, string name)
    {
        int start = source.IndexOf($"public static double {name}(", StringComparison.Ordinal);
        int end = source.IndexOf("[Differentiable]", start, StringComparison.Ordinal);
        return source[start..(end < 0 ? source.Length : end)];
    }
}
