using System.Globalization;
using DiffGen.Generator.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DiffGen.Generator.Tests;

/// <summary>The generator reports and never throws, whatever it is given; and its output does not depend on culture.</summary>
public class RobustnessTests
{
    private static string RepositoryRoot() => DiffGen.Tests.Shared.TestData.Repository;

    private static IEnumerable<string> RepositorySources() =>
        Directory.EnumerateFiles(RepositoryRoot(), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void The_generator_runs_over_every_source_file_of_the_repository_without_throwing()
    {
        int files = 0;
        foreach (var file in RepositorySources())
        {
            GeneratorHarness.Run(GeneratorHarness.Compilation(File.ReadAllText(file)));
            files++;
        }

        Assert.True(files > 50, $"Only {files} files were found.");
    }

    [Fact]
    public void The_generator_runs_over_every_prefix_of_broken_code_without_throwing()
    {
        // Every test input cut short at many points: what a file looks like while it is being typed.
        var inputs = new List<string> { Sources.Objectives };
        inputs.AddRange(RepositorySources().Where(f => f.Contains("Objectives", StringComparison.Ordinal)).Select(File.ReadAllText));
        int runs = 0;
        foreach (var input in inputs)
        {
            for (int cut = 1; cut < input.Length; cut += Math.Max(1, input.Length / 97))
            {
                GeneratorHarness.Run(GeneratorHarness.Compilation(input[..cut]));
                runs++;
            }
        }

        Assert.True(runs > 300, $"Only {runs} runs.");
    }

    [Fact]
    public void Mangled_code_inside_a_differentiable_method_is_reported_not_thrown()
    {
        string[] bodies =
        [
            "return x +;",
            "double y = ; return y;",
            "for (;;) { }",
            "while (x > 0) x = x - ;",
            "return Undefined(x);",
            "return x.Foo.Bar;",
            "var q = new[] { x, 1 }; return q[0];",
            "return (x switch { > 0 => x });",
            "checked { return x * 2; }",
            "return default;",
            "unsafe { double* p = &x; return *p; }",
            "return x is double d ? d : 0;",
            "fixed (char* c = \"a\") { } return x;",
            "yield return x;",
            "await System.Threading.Tasks.Task.Yield(); return x;",
            "return nameof(x).Length * x;",
            "string s = $\"{x:F2}\"; return s.Length * x;",
            "System.Collections.Generic.List<double> l = new(); l.Add(x); return l[0];",
            "(double a, double b) = (x, x); return a * b;",
            "return x ?? 0;",
            "lock (typeof(Fit)) { return x; }",
            "using var d = new System.IO.MemoryStream(); return x;",
            "int i = 0; switch (i) { case 0: if (x > 0) break; return x; default: return 2 * x; } return 3 * x;",
        ];

        foreach (var body in bodies)
        {
            var source = $$"""
                using System;
                using DiffGen;
                public static partial class Fit
                {
                    [Differentiable] public static double F(double x) { {{body}} }
                }
                """;
            var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compilation(source));
            Assert.All(result.Diagnostics, d => Assert.StartsWith("DG", d.Id, StringComparison.Ordinal));
            Assert.DoesNotContain(result.Diagnostics, d => d.Id == "DG0901");
        }
    }

    [Fact]
    public void Output_is_identical_under_the_Finnish_culture()
    {
        string Generate()
        {
            var (result, _) = GeneratorHarness.Run(GeneratorHarness.Compilation(Sources.Objectives));
            return string.Join("\n----\n", result.GeneratedTrees.Select(t => t.FilePath + "\n" + t.GetText()));
        }

        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            string invariant = Generate();
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fi-FI");
            string finnish = Generate();
            Assert.Equal(invariant, finnish);
            Assert.Contains("0.5", invariant, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
